package dev.ebpm.loader.skeleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.zip.Deflater;

/**
 * Writes eunomia's package.json. Keys are sorted, as serde_json writes them for ecc, so the same
 * object always gives the same bytes.
 */
public final class PackageWriter {
    public static final ObjectMapper JSON = JsonMapper.builder()
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .build();

    private PackageWriter() {}

    /** {@code bpf_object}: the ELF, zlib-compressed, then base64 (no line breaks); the embedded BTF is stored the same way. */
    public static String encodeObject(byte[] elf) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        deflater.setInput(elf);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream(elf.length / 2 + 64);
        byte[] chunk = new byte[64 * 1024];
        while (!deflater.finished()) {
            out.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    public static String toJson(EunomiaPackage pkg, boolean pretty) {
        try {
            return pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(pkg) : JSON.writeValueAsString(pkg);
        } catch (JsonProcessingException e) {
            throw new SkeletonException("cannot serialise package.json: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes the package (pretty-printed) next to its final place, then moves it there. */
    public static void write(EunomiaPackage pkg, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".package", ".json.tmp");
        try {
            Files.writeString(tmp, toJson(pkg, true) + "\n", StandardCharsets.UTF_8);
            // createTempFile makes it 0600; a package is for everyone to read, like a compiler's output
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
