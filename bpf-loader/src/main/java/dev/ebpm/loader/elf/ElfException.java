package dev.ebpm.loader.elf;

/** Malformed or truncated ELF; the message is one line saying what and where. */
public class ElfException extends RuntimeException {
    public ElfException(String message) {
        super(message);
    }
}
