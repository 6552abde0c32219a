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
    /**
     * Fails with a user error unless {@code path} is a Parquet file, saying what it is instead and
     * which command fits it (CSV text: {@code iosup ingest}; perf text: {@code iosup import perf}).
     */
    public static void requireParquet(Path path) {
        FileKind.Sniffed k = FileKind.sniff(path);
        if (k.kind() == FileKind.PARQUET && !k.gzip()) {
            return;
        }
        String what = path + ": " + k.phrase();
        throw new UserException(switch (k.kind()) {
            case MISSING -> path + ": no such file";
            case FOLDER, EMPTY -> what + "; a Parquet trace is expected";
            case CSV_TRACE -> what + ", not a Parquet trace: convert it with 'iosup ingest " + path + " -o "
                    + parquetName(path) + "'";
            case PERF_TEXT -> what + ", not a Parquet trace: convert it with 'iosup import perf " + path + " -o "
                    + parquetName(path) + "'";
            case TRACE_CMD_TEXT -> what + ", not a Parquet trace: convert it with 'iosup import trace-cmd " + path
                    + " -o " + parquetName(path) + "'";
            case PARQUET -> what + " (a gzip-compressed Parquet file): decompress it first ('gunzip -k " + path + "')";
            case TEXT -> what + ", not a Parquet trace (a Parquet file starts with the bytes PAR1): a CSV trace needs a header"
                    + " naming ts_ns and kind ('iosup ingest'); perf script text goes to 'iosup import perf'";
            default -> what + " (a Parquet file starts with the bytes PAR1)";
        });
    }

    /**
     * Fails with a user error when the input {@code arg} of {@code command} (which reads text) is
     * a file of another kind that another command reads: a Parquet trace, or for {@code import},
     * an iosup CSV trace. Standard input is not looked at.
     */
    public static void refuseOtherKind(String arg, String command) {
        if ("-".equals(arg)) {
            return;
        }
        Path path = Path.of(arg);
        FileKind.Sniffed k = FileKind.sniff(path);
        switch (k.kind()) {
            case FOLDER -> throw new UserException(arg + ": is a folder, not a file");
            case MISSING -> throw new UserException(arg + ": no such file");
            case PARQUET -> throw new UserException(arg + ": is already a Parquet trace (" + command + " reads text):"
                    + " give it to inspect, replay or analyze as it is");
            case CSV_TRACE -> {
                if (command.startsWith("import")) {
                    throw new UserException(arg + ": " + k.phrase() + " in iosup's event schema, not the output of "
                            + command.substring("import ".length()) + ": store it with 'iosup ingest " + arg + " -o "
                            + parquetName(path) + "'");
                }
            }
            case PERF_TEXT -> {
                if (command.equals("ingest")) {
                    throw new UserException(arg + ": " + k.phrase() + ", not CSV in the event schema: convert it with"
                            + " 'iosup import perf " + arg + " -o " + parquetName(path) + "'");
                }
            }
            default -> {
            }
        }
    }

    /** {@code x.csv}, {@code x.csv.gz}, {@code x.script.gz} → {@code x.parquet}. */
    private static String parquetName(Path path) {
        String n = path.toString();
        for (String ext : new String[] {".gz", ".csv", ".txt", ".script", ".parquet"}) {
            if (n.endsWith(ext)) {
                n = n.substring(0, n.length() - ext.length());
            }
        }
        return n + ".parquet";
    }

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
