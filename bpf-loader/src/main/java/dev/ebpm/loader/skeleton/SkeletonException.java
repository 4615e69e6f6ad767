package dev.ebpm.loader.skeleton;

/** A BPF object (or its build config) from which no eunomia skeleton can be made; one-line message. */
public class SkeletonException extends RuntimeException {
    public SkeletonException(String message) {
        super(message);
    }

    public SkeletonException(String message, Throwable cause) {
        super(message, cause);
    }
}
