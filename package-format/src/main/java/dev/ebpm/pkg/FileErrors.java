package dev.ebpm.pkg;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * File-system failures in words for a one-line error, the same in every module: never an exception class name, and a
 * full disk always as {@code no space left on device at PATH}.
 */
public final class FileErrors {
    /** The kernel's text for ENOSPC, as the JDK passes it on. */
    private static final String ENOSPC = "No space left on device";

    private FileErrors() {}

    /** True if {@code e} or one of its causes is a write that ran out of disk space. */
    public static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException f && f.getReason() != null && f.getReason().contains(ENOSPC)) return true;
            if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains(ENOSPC)) return true;
        }
        return false;
    }

    /** What every command says when the disk under {@code where} is full. */
    public static String diskFull(Path where) {
        return "no space left on device at " + where;
    }

    /** The reason alone (the caller names the file): "permission denied", "no such file or directory", ... */
    public static String reason(IOException e) {
        if (isDiskFull(e)) return "no space left on device";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof FileAlreadyExistsException) return "a file is in the way";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        if (e.getMessage() != null && !e.getMessage().isBlank()) return e.getMessage();
        return "input/output error";
    }

    /** The reason with the file it concerns when the exception names one: "permission denied: /etc/x". */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return isDiskFull(e) ? diskFull(Path.of(f.getFile())) : reason(e) + ": " + f.getFile();
        }
        return reason(e);
    }
}
