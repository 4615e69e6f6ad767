package dev.ebpm.registry;

/**
 * One configured hub: the name packages are qualified with ({@code hub/name}), where it is (a URL or a directory), the
 * {@link HubTransport#type() type} of transport that reaches it, its priority (lower is tried first), whether it is built
 * in (not stored in the configuration) and whether the user accepts its unsigned index and packages.
 */
public record HubDefinition(String name, String location, String type, int priority, boolean builtIn, boolean allowUnsigned) {
}
