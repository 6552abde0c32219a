package org.iosup.testing;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A CSV output read back in tests: its records by header name, or its header line as written. */
public final class Csv {
    private Csv() {
    }

    /** The records of {@code csv}, fields by the names of its header. */
    public static List<CSVRecord> read(Path csv) throws IOException {
        try (Reader r = Files.newBufferedReader(csv)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
        }
    }

    /** The first line of {@code csv} split at commas, as written (the column names of iosup's outputs hold no comma). */
    public static List<String> header(Path csv) throws IOException {
        try (Stream<String> lines = Files.lines(csv)) {
            return List.of(lines.findFirst().orElseThrow().split(","));
        }
    }
}
