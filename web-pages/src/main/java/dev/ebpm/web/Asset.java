package dev.ebpm.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file pages load from their own server (a stylesheet, a script), read from a class's resources. Its path carries a
 * digest of its bytes ({@code /assets/ebpm-3f2a91c04b7e.css}), so a server may let browsers cache it for good: a new
 * build has new paths.
 *
 * @param path        where the server serves it
 * @param contentType what the server sends with it
 */
public record Asset(String path, String contentType, byte[] bytes) {
    public static final String CACHE_CONTROL = "public, max-age=31536000, immutable";

    /** Loads resource {@code name} ({@code stem.ext}) next to {@code owner}; served as {@code /assets/stem-<digest>.ext}. */
    public static Asset load(Class<?> owner, String name, String contentType) {
        byte[] bytes;
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " of " + owner.getName() + " is missing from the build");
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int dot = name.lastIndexOf('.');
        return new Asset("/assets/" + name.substring(0, dot) + "-" + shortDigest(bytes) + name.substring(dot), contentType, bytes);
    }

    /** The file's name in {@code /assets/}. */
    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    private static String shortDigest(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
