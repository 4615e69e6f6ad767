package dev.ebpm.registry;

/**
 * An OCI image reference, parsed (by ebpm-core's spec grammar): {@code registry/repository[:tag][@sha256:digest]}. At
 * least one of tag and digest is set; with both, the digest is what counts and the tag only names it.
 */
public record ArtifactReference(String registry, String repository, String tag, String digest) {
    public ArtifactReference {
        if (registry == null || repository == null) throw new IllegalArgumentException("registry and repository are required");
        if (tag == null && digest == null) throw new IllegalArgumentException("a reference needs a tag or a digest");
    }

    /** {@code registry/repository}. */
    public String name() {
        return registry + "/" + repository;
    }

    /** The tag, or the digest when there is no tag: what the registry is asked for. */
    public String reference() {
        return digest != null ? digest : tag;
    }

    public ArtifactReference withDigest(String d) {
        return new ArtifactReference(registry, repository, tag, d);
    }

    /** Without the digest: what a lockfile pins (the tag is the name that may move). */
    public String tagged() {
        return name() + ":" + (tag == null ? "latest" : tag);
    }

    @Override
    public String toString() {
        return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
