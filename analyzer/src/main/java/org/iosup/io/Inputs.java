package org.iosup.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opening user-named input files: {@code -} for standard input, gzip detected by its magic bytes. */
public final class Inputs {
    /** The name used in messages for standard input. */
    public static final String STDIN_NAME = "<stdin>";

    private Inputs() {
    }

    /** The name of an input for messages: the path as given, or {@code <stdin>} for {@code -}. */
    public static String displayName(String arg) {
        return "-".equals(arg) ? STDIN_NAME : arg;
    }

    /**
     * Opens {@code arg} ({@code -} is standard input), transparently decompressing gzip. A missing
     * or unreadable file is a {@link UserException}.
     */
    public static InputStream open(String arg) {
        InputStream raw;
        if ("-".equals(arg)) {
            raw = System.in;
        } else {
            Path p = Path.of(arg);
            if (Files.isDirectory(p)) {
                throw new UserException(arg + ": is a folder, not a file");
            }
            try {
                raw = Files.newInputStream(p);
            } catch (NoSuchFileException e) {
                throw new UserException(arg + ": no such file");
            } catch (IOException e) {
                throw new UserException(arg + ": cannot open (" + e.getMessage() + ")", e);
            }
        }
        try {
            BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new GZIPInputStream(in, 1 << 16);
            }
            return in;
        } catch (IOException e) {
            throw new UserException(displayName(arg) + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
