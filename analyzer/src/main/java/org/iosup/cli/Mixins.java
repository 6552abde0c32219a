package org.iosup.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The options many commands share, declared once (picocli mixins: a command takes one with
 * {@code @Mixin}), so that their names, labels and help read the same everywhere.
 */
public final class Mixins {
    private Mixins() {
    }

    /** {@code -q, --quiet}. */
    public static final class Quiet {
        @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors.")
        boolean quiet;

        /** Whether the user asked for quiet. */
        public boolean on() {
            return quiet;
        }
    }

    /** {@code -o, --output OUTDIR}: the output folder of a command that writes several files and a manifest. */
    public static final class OutDir {
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTDIR",
                description = {"Folder for the outputs: created if needed; replaced only when it holds exactly what an",
                    "earlier run of this command wrote (its manifest.json)."})
        Path output;

        public Path path() {
            return output;
        }
    }

    /** {@code --seed S}, 1 by default. */
    public static final class Seed {
        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        public long value() {
            return seed;
        }
    }

    /** {@code --json}: print one JSON object instead of text. */
    public static final class Json {
        @Option(names = "--json", description = "Print the figures as one JSON object.")
        boolean json;

        public boolean on() {
            return json;
        }

        /** Prints {@code value} as indented JSON. */
        public static void print(PrintWriter out, Object value) {
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** {@code --dir DIR --keep}: where a benchmark writes its generated files, and whether to keep them. */
    public static final class BenchFiles {
        @Option(names = "--dir", paramLabel = "DIR", description = "Folder for the generated files (default: a temporary folder).")
        Path dir;

        @Option(names = "--keep", description = "Keep the generated files.")
        boolean keep;

        /** The folder given (it must exist), or a new temporary one. */
        public Path folder() throws java.io.IOException {
            if (dir == null) {
                return java.nio.file.Files.createTempDirectory("iosup-bench");
            }
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new org.iosup.io.UserException("--dir: no such folder: " + dir);
            }
            return dir;
        }

        /** Removes {@code folder} when it was a temporary one and nothing is to be kept (the benchmark removed its files). */
        public void cleanUp(Path folder) throws java.io.IOException {
            if (dir == null && !keep) {
                java.nio.file.Files.deleteIfExists(folder);
            }
        }

        public boolean keep() {
            return keep;
        }
    }
}
