package dev.ebpm.registry.oci;

/** The media types ebpm reads and writes (OCI image spec v1.1, Docker's v2 schema 2, and each tool's own). */
public final class MediaTypes {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String DOCKER_LAYER_TAR_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /** The OCI 1.1 empty descriptor's type: an artifact with no config. */
    public static final String EMPTY = "application/vnd.oci.empty.v1+json";

    /** ebpm's own artifact: the signed .ebpm archive as its one layer, the signature as a referrer. */
    public static final String EBPM_PACKAGE = "application/vnd.ebpm.package.v1";
    public static final String EBPM_ARCHIVE_LAYER = "application/vnd.ebpm.package.v1.tar+gzip";
    public static final String EBPM_SIGNATURE = "application/vnd.ebpm.signature.v1+json";

    /** ecli push (eunomia-bpf's bpf-oci crate, oci-distribution's WASM types). */
    public static final String WASM_CONFIG = "application/vnd.wasm.config.v1+json";
    public static final String WASM_LAYER = "application/vnd.wasm.content.layer.v1+wasm";

    /** bumblebee (solo-io). */
    public static final String BUMBLEBEE_CONFIG = "application/ebpf.oci.image.config.v1+json";
    public static final String BUMBLEBEE_PROGRAM = "application/ebpf.oci.image.program.v1+binary";

    /** Inspektor Gadget. */
    public static final String GADGET_ARTIFACT = "application/vnd.gadget.v1+binary";
    public static final String GADGET_CONFIG = "application/vnd.gadget.config.v1+yaml";
    public static final String GADGET_EBPF = "application/vnd.gadget.ebpf.program.v1+binary";

    /** What a manifest GET accepts: every manifest and index type ebpm reads. */
    public static final String ACCEPT_MANIFESTS = String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);

    public static final String TITLE = "org.opencontainers.image.title";
    public static final String DESCRIPTION = "org.opencontainers.image.description";
    public static final String VERSION = "org.opencontainers.image.version";
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    private MediaTypes() {
    }

    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
    }

    public static boolean isManifest(String mediaType) {
        return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
    }
}
