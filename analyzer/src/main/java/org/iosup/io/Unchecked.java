package org.iosup.io;

import java.io.IOException;
import java.io.UncheckedIOException;

/** I/O that fails with an {@link UncheckedIOException}, for the {@code close()} of writers that are {@link AutoCloseable} without throwing. */
public final class Unchecked {
    private Unchecked() {
    }

    /** An action that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface IoAction {
        void run() throws IOException;
    }

    /** Runs {@code action}; its {@link IOException} is thrown unchecked. */
    public static void io(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
