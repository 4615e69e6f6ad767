package dev.ebpm.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's API names no jnr-ffi type and no type of its {@code internal} package: every public
 * or protected signature (superclass, interfaces, constructors, methods, fields, record components,
 * type parameters, thrown exceptions) of every public class outside {@code internal} is checked.
 * And no source outside {@code internal} touches jnr at all.
 */
class ApiSurfaceTest {
    private static final String INTERNAL = "dev.ebpm.loader.internal.";
    private static final List<String> FORBIDDEN = List.of("jnr.", "com.kenai.", INTERNAL);

    @Test
    void noPublicSignatureNamesJnrOrInternalTypes() throws Exception {
        List<Class<?>> api = publicClasses();
        assertTrue(api.contains(BpfObject.class) && api.size() > 20, "scanned the compiled module: " + api);
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : api) leaks.addAll(leaks(c));
        assertTrue(leaks.isEmpty(), "public signatures naming jnr or internal types:\n  " + String.join("\n  ", leaks));
    }

    /** Every public class of the module outside internal, nested ones included when reachable (all enclosing classes public). */
    private static List<Class<?>> publicClasses() throws Exception {
        Path classes = Path.of(BpfObject.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.startsWith(INTERNAL) || name.endsWith("package-info") || name.endsWith("module-info")) continue;
                Class<?> c = Class.forName(name, false, ApiSurfaceTest.class.getClassLoader());
                if (!c.isSynthetic() && !c.isAnonymousClass() && !c.isLocalClass() && exported(c)) out.add(c);
            }
        }
        return out;
    }

    private static boolean exported(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers())) return false;
        }
        return true;
    }

    private static boolean visible(Member m) {
        return (m.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0 && !m.isSynthetic();
    }

    private static List<String> leaks(Class<?> c) {
        List<String> out = new ArrayList<>();
        String at = c.getName();
        check(out, at + " extends", c.getGenericSuperclass());
        for (Type t : c.getGenericInterfaces()) check(out, at + " implements", t);
        for (TypeVariable<?> v : c.getTypeParameters()) check(out, at + " type parameter " + v.getName(), v);
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) check(out, at + " record component " + rc.getName(), rc.getGenericType());
        }
        for (Field f : c.getDeclaredFields()) {
            if (visible(f)) check(out, at + "." + f.getName(), f.getGenericType());
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (visible(k)) executable(out, at + ".<init>", k);
        }
        for (Method m : c.getDeclaredMethods()) {
            if (visible(m) && !m.isBridge()) {
                executable(out, at + "." + m.getName() + "()", m);
                check(out, at + "." + m.getName() + "() returns", m.getGenericReturnType());
            }
        }
        return out;
    }

    private static void executable(List<String> out, String at, Executable e) {
        for (Type t : e.getGenericParameterTypes()) check(out, at + " parameter", t);
        for (Type t : e.getGenericExceptionTypes()) check(out, at + " throws", t);
        for (TypeVariable<?> v : e.getTypeParameters()) check(out, at + " type parameter " + v.getName(), v);
    }

    private static void check(List<String> out, String where, Type type) {
        if (type == null) return;
        for (Class<?> c : classesIn(type, new HashSet<>())) {
            for (String prefix : FORBIDDEN) {
                if (c.getName().startsWith(prefix)) out.add(where + ": " + c.getName());
            }
        }
    }

    /** Every class a generic type mentions: raw types, type arguments, bounds, array components. */
    private static List<Class<?>> classesIn(Type t, Set<TypeVariable<?>> seen) {
        List<Class<?>> out = new ArrayList<>();
        if (t instanceof Class<?> c) {
            if (c.isArray()) out.addAll(classesIn(c.componentType(), seen));
            else out.add(c);
        } else if (t instanceof ParameterizedType p) {
            out.addAll(classesIn(p.getRawType(), seen));
            if (p.getOwnerType() != null) out.addAll(classesIn(p.getOwnerType(), seen));
            for (Type a : p.getActualTypeArguments()) out.addAll(classesIn(a, seen));
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) out.addAll(classesIn(b, seen));
            for (Type b : w.getLowerBounds()) out.addAll(classesIn(b, seen));
        } else if (t instanceof GenericArrayType a) {
            out.addAll(classesIn(a.getGenericComponentType(), seen));
        } else if (t instanceof TypeVariable<?> v && seen.add(v)) {
            for (Type b : v.getBounds()) out.addAll(classesIn(b, seen));
        }
        return out;
    }
}
