package dev.ebpm.loader.btf;

/** Malformed or unusable BTF; the message is one line saying what and where (offset, type id). */
public class BtfException extends RuntimeException {
    public BtfException(String message) {
        super(message);
    }

    public BtfException(String message, Throwable cause) {
        super(message, cause);
    }
}
