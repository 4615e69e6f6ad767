package dev.ebpm.store;

import java.nio.file.Path;

/**
 * One OCI object an installed version came as (its manifest, the index above it, config and layers, its signature
 * referrer and that one's blobs), kept as a blob of the store so the package can be exported as it was pulled, with no
 * network. {@code digest} is {@code sha256:HEX}; {@code role} is the registry client's (index, manifest, blob, referrer);
 * {@code file} is where the bytes are: the verified download when installing, the store's blob when read back.
 */
public record OciObject(String digest, String mediaType, long size, String role, Path file) {
    public String hex() {
        return digest.substring("sha256:".length());
    }
}
