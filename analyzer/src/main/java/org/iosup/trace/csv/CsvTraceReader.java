package org.iosup.trace.csv;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.iosup.io.Inputs;
import org.iosup.io.UserException;
import org.iosup.schema.EventSchema;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;
import org.iosup.trace.RowValidator;
import org.iosup.trace.TraceFormatException;
import org.iosup.trace.TraceSource;

import java.io.CharArrayReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads an event trace from CSV (Apache Commons CSV, RFC 4180) and checks every row against the
 * events schema. The first line that is neither blank nor a comment is the header: columns in
 * any order, at least {@code ts_ns} and {@code kind}, unknown or repeated names are an error. An
 * empty field is an empty value. Comment lines before the header of the form
 * {@code # key=value} become trace metadata. Input may be gzip-compressed.
 *
 * <p>The text is cut at record boundaries ({@link CsvChunker}) and the pieces are parsed on
 * worker threads, then delivered in file order, so the rows, and the first error, are the same
 * as a sequential read. A bad row stops the read with an error naming the input, its physical
 * line (the header is line 1 when no comment precedes it), the column and the value.
 */
public final class CsvTraceReader implements TraceSource {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setCommentMarker('#')
            .setIgnoreEmptyLines(true)
            .get();
    private static final int WORKERS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final String name;
    private final Reader reader;
    private final CsvChunker chunker;
    private final Column[] columnAt;
    private final FieldSpec[] specAt;
    private final Map<String, String> metadata = new LinkedHashMap<>();
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

    /** One parsed chunk: its rows, or the first error in it. */
    private record Parsed(EventBatch rows, long firstRowLine, TraceFormatException error) {
    }

    private CsvTraceReader(String arg) {
        this.name = Inputs.displayName(arg);
        this.reader = new InputStreamReader(Inputs.open(arg), StandardCharsets.UTF_8);
        this.chunker = new CsvChunker(reader);
        CsvChunker.Chunk header = headerLine();
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
        workers = Executors.newFixedThreadPool(WORKERS, r -> {
            Thread t = new Thread(r, "iosup-csv");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens a CSV trace; {@code -} reads standard input. */
    public static CsvTraceReader open(String arg) {
        return new CsvTraceReader(arg);
    }

    private static Map<String, Byte> codes(Enum<?>[] values) {
        Map<String, Byte> m = new HashMap<>();
        for (Enum<?> e : values) {
            m.put(e.name(), (byte) e.ordinal());
        }
        return m;
    }

    /** Skips blank and comment lines (keeping {@code # key=value} as metadata); returns the header line. */
    private CsvChunker.Chunk headerLine() {
        try {
            while (true) {
                CsvChunker.Chunk line = chunker.next(1);
                if (line == null) {
                    throw new UserException(name + ": empty file: the first line must be a header naming the columns, e.g. "
                            + String.join(",", schema.table().fieldNames()));
                }
                String text = new String(line.text(), 0, line.length()).strip();
                if (text.isEmpty()) {
                    continue;
                }
                if (text.startsWith("#")) {
                    int eq = text.indexOf('=');
                    if (eq > 1) {
                        metadata.put(text.substring(1, eq).strip(), text.substring(eq + 1).strip());
                    }
                    continue;
                }
                return line;
            }
        } catch (IOException e) {
            throw new UserException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private List<String> parseHeader(CsvChunker.Chunk line) {
        try (CSVParser p = CSVParser.builder().setReader(new CharArrayReader(line.text(), 0, line.length()))
                .setFormat(FORMAT).get()) {
            return p.getRecords().get(0).toList();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new UserException(name + " line " + line.firstLine() + ": malformed CSV header (" + rootMessage(e) + ")", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public boolean next(EventBatch batch) {
        batch.clear();
        while (true) {
            topUp();
            Future<Parsed> f = pending.poll();
            if (f == null) {
                return false;
            }
            Parsed p = await(f);
            if (p.error() != null) {
                throw p.error();
            }
            EventBatch rows = p.rows();
            if (rows.isEmpty()) {
                spare.add(rows);
                continue;
            }
            if (rows.tsNs()[0] < lastTs) {
                throw new TraceFormatException(name + " line " + p.firstRowLine(), "ts_ns",
                        Long.toString(rows.tsNs()[0]), "timestamps must not decrease (previous row has " + lastTs + ")");
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

    private void topUp() {
        try {
            while (!textDone && pending.size() < 2 * WORKERS + 1) {
                CsvChunker.Chunk c = chunker.next(EventBatch.DEFAULT_CAPACITY);
                if (c == null) {
                    textDone = true;
                } else {
                    pending.add(workers.submit(() -> parse(c)));
                }
            }
        } catch (IOException e) {
            throw new UserException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Parsed await(Future<Parsed> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Parses one chunk into a batch (on a worker thread). */
    private Parsed parse(CsvChunker.Chunk chunk) {
        EventBatch b = spare.poll();
        if (b == null) {
            b = new EventBatch();
        }
        b.clear();
        RowValidator validator = new RowValidator(Column.allMask());
        long line = chunk.firstLine();
        long firstRowLine = -1;
        int[] present = b.present();
        try (CSVParser parser = CSVParser.builder()
                .setReader(new CharArrayReader(chunk.text(), 0, chunk.length())).setFormat(FORMAT).get()) {
            for (CSVRecord r : parser) {
                line = chunk.firstLine() - 1 + parser.getCurrentLineNumber();
                if (firstRowLine < 0) {
                    firstRowLine = line;
                }
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
                RowValidator.Violation bad = validator.check(b, i);
                if (bad != null) {
                    throw bad.at(name + " line " + line);
                }
            }
            return new Parsed(b, firstRowLine, null);
        } catch (TraceFormatException e) {
            return new Parsed(b, firstRowLine, e);
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            return new Parsed(b, firstRowLine, new TraceFormatException(name + " line " + (line + 1), null, null,
                    "malformed CSV (" + rootMessage(e) + ")"));
        }
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

    private long integer(FieldSpec f, String v, long line) {
        int from = 0;
        int to = v.length();
        while (from < to && v.charAt(from) == ' ') {
            from++;
        }
        while (to > from && v.charAt(to - 1) == ' ') {
            to--;
        }
        long x;
        try {
            x = Long.parseLong(v, from, to, 10);
        } catch (NumberFormatException e) {
            throw new TraceFormatException(name + " line " + line, f.name(), v, "not an integer");
        }
        if (!f.inRange(x)) {
            throw new TraceFormatException(name + " line " + line, f.name(), v, "out of range " + f.rangeText());
        }
        return x;
    }

    private boolean bool(FieldSpec f, String v, long line) {
        String s = v.strip();
        if (s.equalsIgnoreCase("true") || s.equals("1")) {
            return true;
        }
        if (s.equalsIgnoreCase("false") || s.equals("0")) {
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
            code = m.get(v.strip());
        }
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
        workers.shutdownNow();
        try {
            reader.close();
        } catch (IOException e) {
            // Nothing more will be read.
        }
    }
}
