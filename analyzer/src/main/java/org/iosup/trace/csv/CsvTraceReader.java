package org.iosup.trace.csv;

import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.iosup.io.Futures;
import org.iosup.io.Inputs;
import org.iosup.io.UserException;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.EventSchema;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;
import org.iosup.trace.RowValidator;
import org.iosup.trace.TraceFormatException;
import org.iosup.trace.TraceMetadata;
import org.iosup.trace.TraceSource;

import java.io.CharArrayReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an event trace from CSV (Apache Commons CSV, RFC 4180, lines ending in CR, LF or CRLF)
 * and checks every row against the events schema. The first record that is neither blank nor a
 * comment is the header: columns in any order, at least {@code ts_ns} and {@code kind}, unknown
 * or repeated names are an error. An empty field is an empty value; numbers are ASCII digits
 * (a {@code -} is read, to be refused as out of range). Comment lines ({@code #} first) before
 * the header of the form {@code # key=value} become trace metadata, checked by
 * {@link TraceMetadata}; a key given twice is an error. The text is UTF-8 (a byte-order mark at
 * the start is skipped); a byte that is not is an error at its line. Input may be gzip-compressed.
 *
 * <p>The text is cut at record boundaries ({@link CsvChunker}) and the pieces are parsed on
 * worker threads, then delivered in file order, so the rows, and the first error, are the same
 * as one sequential parse ({@link #openSequential}, which the tests compare it with). A bad row
 * stops the read with an error naming the input, its physical line (the header is line 1 when no
 * comment precedes it; a record over several lines is named by its last), the column and the value.
 */
public final class CsvTraceReader implements TraceSource {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setCommentMarker('#')
            .setIgnoreEmptyLines(true)
            .get();
    private static final int WORKERS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static final Pattern START_LINE = Pattern.compile("startline ([0-9,]+)");

    private final String name;
    private final int unitsPerChunk;
    private final Utf8Text text;
    private final CsvChunker chunker;
    private final Column[] columnAt;
    private final FieldSpec[] specAt;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Long> metadataLine = new HashMap<>();
    private final EventSchema schema = EventSchema.get();
    private final Map<String, Byte> kinds = codes(EventKind.values());
    private final Map<String, Byte> pageTypes = codes(PageType.values());
    private final Map<String, Byte> granularities = codes(Granularity.values());
    private final ExecutorService workers;
    private final ArrayDeque<Future<Parsed>> pending = new ArrayDeque<>();
    private final Queue<EventBatch> spare = new ConcurrentLinkedQueue<>();
    private boolean textDone;
    private long rowsRead;
    private long lastTs = Long.MIN_VALUE;
    // The sequential parse: one parser over the text after the header.
    private final CSVParser sequential;
    private final Iterator<CSVRecord> records;
    private final long dataLineOffset;
    private final RowValidator sequentialValidator;
    private boolean sequentialDone;

    /** One parsed chunk: its rows, the line of the first, and the first error in it (or null). */
    private record Parsed(EventBatch rows, long firstRowLine, UserException error) {
    }

    private CsvTraceReader(String arg, boolean parallel, int unitsPerChunk, int bufferChars) {
        if (unitsPerChunk < 1 || unitsPerChunk > EventBatch.DEFAULT_CAPACITY) {
            throw new IllegalArgumentException("units per chunk: " + unitsPerChunk);
        }
        this.unitsPerChunk = unitsPerChunk;
        this.name = Inputs.displayName(arg);
        this.text = new Utf8Text(Inputs.open(arg), !parallel);
        this.chunker = new CsvChunker(text, name, bufferChars);
        CsvChunker.Chunk header = headerRecord();
        List<String> names = parseHeader(header);
        columnAt = new Column[names.size()];
        specAt = new FieldSpec[names.size()];
        boolean[] seen = new boolean[Column.count()];
        String where = name + " line " + header.firstLine();
        for (int j = 0; j < names.size(); j++) {
            String col = names.get(j).strip();
            Column c = Column.byName(col);
            if (c == null) {
                throw new TraceFormatException(where, col, null, "unknown column (known: "
                        + String.join(", ", schema.table().fieldNames()) + ")");
            }
            if (seen[c.ordinal()]) {
                throw new TraceFormatException(where, col, null, "column named twice in the header");
            }
            seen[c.ordinal()] = true;
            columnAt[j] = c;
            specAt[j] = schema.field(c);
        }
        for (FieldSpec f : schema.table().fields()) {
            if (f.required() && !seen[Column.byName(f.name()).ordinal()]) {
                throw new TraceFormatException(where, f.name(), null,
                        "missing from the header; the events schema requires it");
            }
        }
        dataLineOffset = header.firstLine() + header.lines() - 1;
        if (parallel) {
            workers = Executors.newFixedThreadPool(WORKERS, r -> {
                Thread t = new Thread(r, "iosup-csv");
                t.setDaemon(true);
                return t;
            });
            sequential = null;
            records = null;
            sequentialValidator = null;
        } else {
            workers = null;
            try {
                sequential = CSVParser.builder().setReader(chunker.rest()).setFormat(FORMAT).get();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            records = sequential.iterator();
            sequentialValidator = new RowValidator(Column.allMask());
        }
    }

    /** Opens a CSV trace; {@code -} reads standard input. Chunks of the text are parsed on worker threads. */
    public static CsvTraceReader open(String arg) {
        return new CsvTraceReader(arg, true, EventBatch.DEFAULT_CAPACITY, CsvChunker.BUFFER_CHARS);
    }

    /** As {@link #open}, with small chunks and a small first buffer, so that tests cross many chunk boundaries. */
    static CsvTraceReader open(String arg, int unitsPerChunk, int bufferChars) {
        return new CsvTraceReader(arg, true, unitsPerChunk, bufferChars);
    }

    /**
     * Opens a CSV trace to be parsed on the calling thread in one pass of Commons CSV over the whole text (no
     * chunks): the reference that the parallel reader of {@link #open} must agree with, row for row and error for error.
     */
    public static CsvTraceReader openSequential(String arg) {
        return new CsvTraceReader(arg, false, EventBatch.DEFAULT_CAPACITY, CsvChunker.BUFFER_CHARS);
    }

    private static Map<String, Byte> codes(Enum<?>[] values) {
        Map<String, Byte> m = new HashMap<>();
        for (Enum<?> e : values) {
            m.put(e.name(), (byte) e.ordinal());
        }
        return m;
    }

    /** Skips blank and comment lines (keeping {@code # key=value} as metadata); returns the header record. */
    private CsvChunker.Chunk headerRecord() {
        while (true) {
            CsvChunker.Chunk unit = chunker.next(1);
            if (unit == null) {
                throw new UserException(name + ": empty file: the first line must be a header naming the columns, e.g. "
                        + String.join(",", schema.table().fieldNames()));
            }
            if (unit.error() != null) {
                throw unit.error();
            }
            if (unit.badLine() > 0) {
                throw notUtf8(unit.badLine());
            }
            String line = new String(unit.text(), 0, unit.length());
            if (line.startsWith("#")) {
                metadataLine(line, unit.firstLine());
            } else if (!line.isBlank()) {
                return unit;
            }
        }
    }

    /** A comment line before the header: {@code # key=value} is metadata, anything else a comment. */
    private void metadataLine(String line, long no) {
        String body = line.substring(1).strip();
        int eq = body.indexOf('=');
        if (eq <= 0) {
            return;
        }
        String key = body.substring(0, eq).strip();
        String value = body.substring(eq + 1).strip();
        if (!TraceMetadata.looksLikeKey(key)) {
            return;
        }
        String where = name + " line " + no;
        Long before = metadataLine.get(key);
        if (before != null) {
            throw new UserException(where + ": metadata '" + key + "' given twice: line " + before + " says '"
                    + TraceFormatException.shown(metadata.get(key)) + "', line " + no + " says '"
                    + TraceFormatException.shown(value) + "'");
        }
        TraceMetadata.check(key, value, where);
        metadata.put(key, value);
        metadataLine.put(key, no);
    }

    private List<String> parseHeader(CsvChunker.Chunk unit) {
        CSVParser p;
        try {
            p = CSVParser.builder().setReader(new CharArrayReader(unit.text(), 0, unit.length())).setFormat(FORMAT).get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (p) {
            try {
                return p.getRecords().get(0).toList();
            } catch (UncheckedIOException | IllegalStateException e) {
                // The parser's line, read before it is closed (closed, it forgets where it was).
                long offset = unit.firstLine() - 1;
                throw malformed(e, offset, offset + p.getCurrentLineNumber(), " header");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TraceFormatException notUtf8(long line) {
        return new TraceFormatException(name + " line " + line, null, null, String.format(
                "not UTF-8 text: byte 0x%02x cannot start or continue a UTF-8 character (iosup reads CSV as UTF-8)",
                text.firstBadByte()));
    }

    /**
     * The error of a record Commons CSV could not parse: {@code offset} + the parser's line numbers are lines of
     * the file; {@code line} is the line where the parser stopped.
     */
    private TraceFormatException malformed(Exception e, long offset, long line, String what) {
        CSVException csv = null;
        IOException io = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CSVException c) {
                csv = c;
                break;
            }
            if (t instanceof IOException i) {
                io = i;
            }
        }
        String message = csv != null ? csv.getMessage() : "";
        if (message.contains("EOF reached before encapsulated token finished")) {
            Matcher m = START_LINE.matcher(message);
            long start = m.find() ? offset + Long.parseLong(m.group(1).replace(",", "")) : line;
            return new TraceFormatException(name + " line " + start, null, null, "malformed CSV" + what
                    + ": a quoted field opens here and the text ends before its closing quote"
                    + " (a quote in a field is doubled, and the field quoted: \"a \"\"b\"\"\")");
        }
        if (message.contains("Invalid character between encapsulated token and delimiter")) {
            return new TraceFormatException(name + " line " + line, null, null, "malformed CSV" + what
                    + ": a character after a quoted field's closing quote (a quote in a field is doubled,"
                    + " and the field quoted: \"a \"\"b\"\"\")");
        }
        if (csv == null && io != null) {
            return new TraceFormatException(name + " line " + line, null, null, "cannot read the text (" + io.getMessage() + ")");
        }
        return new TraceFormatException(name + " line " + line, null, null, "malformed CSV" + what + " ("
                + (csv != null ? csv.getMessage() : e.getMessage()) + ")");
    }

    @Override
    public boolean next(EventBatch batch) {
        if (workers == null) {
            return nextSequential(batch);
        }
        batch.clear();
        while (true) {
            topUp();
            Future<Parsed> f = pending.poll();
            if (f == null) {
                return false;
            }
            Parsed p = Futures.await(f);
            EventBatch rows = p.rows();
            if (!rows.isEmpty() && rows.tsNs()[0] < lastTs) {
                throw new TraceFormatException(name + " line " + p.firstRowLine(), "ts_ns",
                        Long.toString(rows.tsNs()[0]), "timestamps must not decrease (previous row has " + lastTs + ")");
            }
            if (p.error() != null) {
                throw p.error();
            }
            if (rows.isEmpty()) {
                spare.add(rows);
                continue;
            }
            lastTs = rows.tsNs()[rows.size() - 1];
            if (rows.size() > batch.capacity()) {
                throw new IllegalArgumentException("batches must hold " + EventBatch.DEFAULT_CAPACITY + " rows");
            }
            batch.copyFrom(rows);
            spare.add(rows);
            rowsRead += batch.size();
            return true;
        }
    }

    private boolean nextSequential(EventBatch batch) {
        batch.clear();
        if (sequentialDone) {
            return false;
        }
        long[] firstRowLine = {-1};
        UserException e = parseRows(sequential, records, batch, batch.capacity(), dataLineOffset, text::firstBadLine,
                sequentialValidator, firstRowLine);
        if (e != null) {
            throw e;
        }
        rowsRead += batch.size();
        if (batch.size() < batch.capacity()) {
            sequentialDone = true;
        }
        return !batch.isEmpty();
    }

    private void topUp() {
        while (!textDone && pending.size() < 2 * WORKERS + 1) {
            CsvChunker.Chunk c = chunker.next(unitsPerChunk);
            if (c == null) {
                textDone = true;
            } else {
                pending.add(workers.submit(() -> parse(c)));
            }
        }
    }

    /** Parses one chunk into a batch (on a worker thread). */
    private Parsed parse(CsvChunker.Chunk chunk) {
        EventBatch b = spare.poll();
        if (b == null) {
            b = new EventBatch();
        }
        b.clear();
        if (chunk.error() != null) {
            return new Parsed(b, -1, chunk.error());
        }
        long[] firstRowLine = {-1};
        long bad = chunk.badLine();
        try (CSVParser parser = CSVParser.builder()
                .setReader(new CharArrayReader(chunk.text(), 0, chunk.length())).setFormat(FORMAT).get()) {
            UserException e = parseRows(parser, parser.iterator(), b, b.capacity(), chunk.firstLine() - 1, () -> bad,
                    new RowValidator(Column.allMask()), firstRowLine);
            if (e == null && bad > 0) {
                // The byte that is not UTF-8 is in a comment or blank line after the chunk's last record.
                e = notUtf8(bad);
            }
            return new Parsed(b, firstRowLine[0], e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses records into {@code b} until it holds {@code max} rows or the records end; returns the first error
     * (the rows before it stay in {@code b}), or null. Lines of the file are {@code offset} + the parser's; a
     * record at or after {@code badLine}'s line (a byte that is not UTF-8) is not read: that is the error then.
     */
    private UserException parseRows(CSVParser parser, Iterator<CSVRecord> it, EventBatch b, int max, long offset,
                                    LongSupplier badLine, RowValidator validator, long[] firstRowLine) {
        int[] present = b.present();
        while (b.size() < max) {
            CSVRecord r;
            try {
                if (!it.hasNext()) {
                    long bad = badLine.getAsLong();
                    return bad > 0 ? notUtf8(bad) : null;
                }
                r = it.next();
            } catch (UncheckedIOException | IllegalStateException e) {
                long line = offset + parser.getCurrentLineNumber();
                TraceFormatException error = malformed(e, offset, line, "");
                long bad = badLine.getAsLong();
                return bad > 0 && bad <= line ? notUtf8(bad) : error;
            }
            long line = offset + parser.getCurrentLineNumber();
            long bad = badLine.getAsLong();
            if (bad > 0 && bad <= line) {
                return notUtf8(bad);
            }
            if (firstRowLine[0] < 0) {
                firstRowLine[0] = line;
            }
            try {
                if (r.size() != columnAt.length) {
                    throw new TraceFormatException(name + " line " + line, null, null, "expected "
                            + columnAt.length + " fields as in the header, found " + r.size());
                }
                int i = b.size();
                present[i] = 0;
                for (int j = 0; j < columnAt.length; j++) {
                    String v = r.get(j);
                    if (!v.isEmpty()) {
                        parseValue(b, i, j, v, line);
                        present[i] |= columnAt[j].bit();
                    } else if (specAt[j].required()) {
                        throw new TraceFormatException(name + " line " + line, specAt[j].name(), null, "required but empty");
                    }
                }
                b.setSize(i + 1);
                RowValidator.Violation v = validator.check(b, i);
                if (v != null) {
                    // The row stays: the reader checks the order of a chunk's first row against the chunk before.
                    throw v.at(name + " line " + line);
                }
            } catch (TraceFormatException e) {
                return e;
            }
        }
        return null;
    }

    private void parseValue(EventBatch batch, int i, int j, String v, long line) {
        Column c = columnAt[j];
        FieldSpec f = specAt[j];
        switch (f.type()) {
            case INT64 -> ((long[]) batch.array(c))[i] = integer(f, v, line);
            case INT32 -> ((int[]) batch.array(c))[i] = (int) integer(f, v, line);
            case BOOLEAN -> ((boolean[]) batch.array(c))[i] = bool(f, v, line);
            case STRING -> {
                if (v.length() > f.maxLength()) {
                    throw new TraceFormatException(name + " line " + line, f.name(), v,
                            "longer than " + f.maxLength() + " characters");
                }
                ((String[]) batch.array(c))[i] = v;
            }
            case ENUM -> ((byte[]) batch.array(c))[i] = enumCode(f, v, line);
            case DOUBLE -> throw new IllegalStateException("events have no double column");
        }
    }

    /**
     * An integer: ASCII digits, with a leading '-' read (so that it is refused as out of range, not as text). No
     * '+', no spaces, no digits of other scripts ({@code Long.parseLong} takes those).
     */
    private long integer(FieldSpec f, String v, long line) {
        int n = v.length();
        int i = 0;
        boolean negative = n > 1 && v.charAt(0) == '-';
        if (negative) {
            i = 1;
        }
        if (i == n) {
            throw notInteger(f, v, line);
        }
        long x = 0;
        boolean overflow = false;
        for (; i < n; i++) {
            int d = v.charAt(i) - '0';
            if (d < 0 || d > 9) {
                throw notInteger(f, v, line);
            }
            if (x > (Long.MAX_VALUE - d) / 10) {
                overflow = true;
            } else {
                x = x * 10 + d;
            }
        }
        if (overflow || !f.inRange(negative ? -x : x)) {
            throw new TraceFormatException(name + " line " + line, f.name(), v, "out of range " + f.rangeText());
        }
        return negative ? -x : x;
    }

    private TraceFormatException notInteger(FieldSpec f, String v, long line) {
        return new TraceFormatException(name + " line " + line, f.name(), v,
                "not an integer (ASCII digits 0-9 only: no sign, spaces or other digits)");
    }

    private boolean bool(FieldSpec f, String v, long line) {
        if (v.equalsIgnoreCase("true") || v.equals("1")) {
            return true;
        }
        if (v.equalsIgnoreCase("false") || v.equals("0")) {
            return false;
        }
        throw new TraceFormatException(name + " line " + line, f.name(), v, "not a boolean (true, false, 1 or 0)");
    }

    private byte enumCode(FieldSpec f, String v, long line) {
        Map<String, Byte> m = switch (f.enumName()) {
            case "kind" -> kinds;
            case "page_type" -> pageTypes;
            default -> granularities;
        };
        Byte code = m.get(v);
        if (code == null) {
            List<String> valid = schema.table().enumValues(f.enumName()).stream().map(e -> e.name()).toList();
            throw new TraceFormatException(name + " line " + line, f.name(), v, "not a known " + f.enumName()
                    + " (valid: " + String.join(", ", valid) + ")");
        }
        return code;
    }

    /** Data rows delivered so far. */
    public long rowsRead() {
        return rowsRead;
    }

    /** The columns named in the header, in header order. */
    public List<Column> headerColumns() {
        return Arrays.asList(columnAt);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
        try {
            if (sequential != null) {
                sequential.close();
            }
            text.close();
        } catch (IOException e) {
            // Nothing more will be read.
        }
    }
}
