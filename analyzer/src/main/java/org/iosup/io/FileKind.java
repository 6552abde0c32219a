package org.iosup.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * What a file given on the command line is, told by its content (not its name): a Parquet file
 * (magic {@code PAR1}), gzip (magic {@code 1f 8b}, looked into), an iosup CSV trace, the text of
 * {@code perf script} or {@code trace-cmd report}, other text, or other bytes. Commands use it to
 * say which command fits a file of the wrong kind.
 */
public enum FileKind {
    MISSING("does not exist"),
    FOLDER("is a folder, not a file"),
    EMPTY("is empty"),
    PARQUET("is a Parquet file"),
    CSV_TRACE("is CSV text"),
    PERF_TEXT("is the text of 'perf script'"),
    TRACE_CMD_TEXT("is the text of 'trace-cmd report'"),
    TEXT("is text"),
    BINARY("is neither text nor a Parquet file");

    private static final int SNIFF = 8192;
    private final String phrase;

    FileKind(String phrase) {
        this.phrase = phrase;
    }

    /** How a message says it, e.g. "is CSV text". */
    public String phrase() {
        return phrase;
    }

    /** The kind of {@code path}, and whether it is gzip-compressed. */
    public record Sniffed(FileKind kind, boolean gzip) {
        /** E.g. "is gzip-compressed CSV text". */
        public String phrase() {
            if (!gzip) {
                return kind.phrase();
            }
            return switch (kind) {
                case CSV_TRACE -> "is gzip-compressed CSV text";
                case PERF_TEXT -> "is the gzip-compressed text of 'perf script'";
                case TRACE_CMD_TEXT -> "is the gzip-compressed text of 'trace-cmd report'";
                case TEXT -> "is gzip-compressed text";
                default -> "is gzip-compressed";
            };
        }
    }

    /** Looks at the first bytes of {@code path}. */
    public static Sniffed sniff(Path path) {
        if (Files.isDirectory(path)) {
            return new Sniffed(FOLDER, false);
        }
        if (!Files.exists(path)) {
            return new Sniffed(MISSING, false);
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(SNIFF);
        } catch (IOException e) {
            throw new UserException(path + ": cannot read (" + Failures.reason(e) + ")", e);
        }
        if (head.length == 0) {
            return new Sniffed(EMPTY, false);
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            byte[] inner;
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(head))) {
                inner = in.readNBytes(SNIFF);
            } catch (IOException e) {
                inner = partial(head);
            }
            return new Sniffed(inner.length == 0 ? EMPTY : classify(inner), true);
        }
        return new Sniffed(classify(head), false);
    }

    /** What a truncated gzip stream gave before it ended. */
    private static byte[] partial(byte[] gz) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            byte[] buf = new byte[1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // The head ends mid-stream: keep what came out.
        }
        return out.toByteArray();
    }

    private static FileKind classify(byte[] b) {
        if (b.length >= 4 && b[0] == 'P' && b[1] == 'A' && b[2] == 'R' && b[3] == '1') {
            return PARQUET;
        }
        int control = 0;
        for (byte x : b) {
            int c = x & 0xff;
            if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')) {
                control++;
            }
        }
        if (control > b.length / 100) {
            return BINARY;
        }
        String text = new String(b, StandardCharsets.UTF_8);
        String first = null;
        for (String line : text.split("\r\n|\r|\n")) {
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (t.startsWith("cpus=")) {
                return TRACE_CMD_TEXT;
            }
            if (t.startsWith("#")) {
                continue;
            }
            first = t;
            break;
        }
        if (first == null) {
            return TEXT;
        }
        String lower = first.toLowerCase(Locale.ROOT).replace("\uFEFF", "");
        if (lower.contains(",") && lower.contains("ts_ns") && lower.contains("kind")) {
            return CSV_TRACE;
        }
        if (first.matches(".*\\s\\[\\d{3}]\\s+\\d+\\.\\d+:\\s+\\S+:\\S+.*")) {
            return PERF_TEXT;
        }
        if (first.matches(".*\\[\\d{3}]\\s+\\d+\\.\\d+:\\s+\\S+:.*")) {
            return TRACE_CMD_TEXT;
        }
        return TEXT;
    }
}
