package org.iosup.trace.parquet;

import org.iosup.io.UserException;
import org.iosup.testing.ForeignParquet;
import org.iosup.testing.Traces;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.TraceFormatException;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parquet logical types on the columns of files other tools wrote (DuckDB, parquet-java), and
 * codecs iosup does not write: values are converted exactly (timestamps to nanoseconds, unsigned
 * integers as unsigned, decimals of integers), or the file is refused naming the column and its
 * type, or the value, its row and its column. Before, TIMESTAMP_MICROS read as nanoseconds,
 * DECIMAL(18,3) 10.000 as 10000 and UINT32 3,000,000,100 as a negative number.
 */
class LogicalTypesTest {
    @TempDir
    Path dir;

    private Path duckdb(String name, String select, String options) throws SQLException {
        Path file = dir.resolve(name);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT PARQUET" + options + ")");
        }
        return file;
    }

    @Test
    void timestampsOfEveryUnitBecomeNanoseconds() throws SQLException {
        String[] kinds = {"make_timestamp(i * 10)", "CAST(make_timestamp(i * 10000) AS TIMESTAMP_MS)",
            "make_timestamp_ns(i * 10)"};
        long[] nanosPerStep = {10_000, 10_000_000, 10};
        for (int k = 0; k < kinds.length; k++) {
            Path file = duckdb("ts" + k + ".parquet", "SELECT " + kinds[k] + " AS ts_ns, 'PROC_EXIT' AS kind, "
                    + "CAST(i AS INTEGER) AS pid FROM range(1000) t(i)", "");
            EventBatch b = Traces.readAll(file);
            assertThat(b.size()).isEqualTo(1000);
            for (int i = 0; i < 1000; i++) {
                assertThat(b.tsNs()[i]).as("%s row %d", kinds[k], i).isEqualTo(i * nanosPerStep[k]);
            }
        }
    }

    @Test
    void decimalsOfIntegersAndUnsignedIntegersReadExactly() throws SQLException {
        Path file = duckdb("dec.parquet", "SELECT i * 1000 AS ts_ns, 'DMA' AS kind, CAST(256 AS USMALLINT) AS device, "
                + "CAST(3000000100 + i AS UINTEGER) AS addr, CAST(10 + i AS DECIMAL(18,3)) AS bytes, "
                + "CAST(i AS UBIGINT) AS frame FROM range(100) t(i)", "");
        EventBatch b = Traces.readAll(file);
        for (int i = 0; i < 100; i++) {
            assertThat(b.device()[i]).isEqualTo(256);
            assertThat(b.addr()[i]).isEqualTo(3_000_000_100L + i);
            assertThat(b.bytes()[i]).isEqualTo(10 + i);
            assertThat(b.frame()[i]).isEqualTo(i);
        }
    }

    @Test
    void valuesWithoutAnExactValueInTheirColumnAreErrorsNamingRowColumnAndValue() throws SQLException {
        Path fraction = duckdb("frac.parquet", "SELECT i AS ts_ns, 'DMA' AS kind, CAST(256 AS INTEGER) AS device, "
                + "CAST(i AS BIGINT) AS addr, CAST(CASE WHEN i = 7 THEN 10.5 ELSE 10 END AS DECIMAL(18,3)) AS bytes "
                + "FROM range(10) t(i)", "");
        assertThatThrownBy(() -> Traces.readAll(fraction)).isInstanceOf(TraceFormatException.class)
                .hasMessage(fraction + " row 8 (row group 1, page 1): column 'bytes' value '10.500 (INT64 DECIMAL(18,3))': "
                        + "not an integer");
        Path unsigned = duckdb("u32.parquet", "SELECT i AS ts_ns, 'PROC_EXIT' AS kind, "
                + "CAST(CASE WHEN i = 3 THEN 3000000100 ELSE 100 END AS UINTEGER) AS pid FROM range(10) t(i)", "");
        assertThatThrownBy(() -> Traces.readAll(unsigned)).isInstanceOf(TraceFormatException.class)
                .hasMessage(unsigned + " row 4 (row group 1, page 1): column 'pid' value '3000000100': out of range 0..2147483647");
        Path u64 = duckdb("u64.parquet", "SELECT i AS ts_ns, 'PT_FREE' AS kind, "
                + "CAST(CASE WHEN i = 2 THEN 18446744073709551615 ELSE 5 END AS UBIGINT) AS frame FROM range(10) t(i)", "");
        assertThatThrownBy(() -> Traces.readAll(u64)).isInstanceOf(TraceFormatException.class)
                .hasMessage(u64 + " row 3 (row group 1, page 1): column 'frame' value '18446744073709551615': "
                        + "beyond the range of 64-bit signed integers");
        Path far = duckdb("far.parquet", "SELECT make_timestamp(CASE WHEN i = 4 THEN 9300000000000000 ELSE i END) AS ts_ns, "
                + "'PROC_EXIT' AS kind, CAST(1 AS INTEGER) AS pid FROM range(10) t(i)", "");
        assertThatThrownBy(() -> Traces.readAll(far)).isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith(far + " row 5 (row group 1, page 1): column 'ts_ns' value '9300000000000000 (INT64 TIMESTAMP(MICROS,false))': "
                        + "beyond the range of nanoseconds in 64 bits");
    }

    @Test
    void typesTheSchemaCannotTakeAreRefusedNamingColumnAndType() throws SQLException {
        Object[][] cases = {
            {"CAST(i AS DOUBLE) AS frame", "column 'frame' has Parquet type DOUBLE, but the events schema says int64"},
            {"DATE '2024-01-01' + CAST(i AS INTEGER) AS frame", "column 'frame' has Parquet type INT32 DATE, but the events schema says int64"},
            {"CAST(i AS DECIMAL(38,2)) AS frame", "column 'frame' has Parquet type FIXED_LEN_BYTE_ARRAY"},
            {"make_timestamp(i) AS frame", "column 'frame' has Parquet type INT64 TIMESTAMP(MICROS,false), but the "
                + "events schema says int64 (a timestamp, but the field is not a time)"},
            {"CAST(i AS VARCHAR) AS frame", "column 'frame' has Parquet type BINARY STRING, but the events schema says int64"},
        };
        for (Object[] c : cases) {
            Path file = duckdb("t.parquet", "SELECT i AS ts_ns, 'PT_FREE' AS kind, " + c[0] + " FROM range(10) t(i)", "");
            assertThatThrownBy(() -> Traces.readAll(file)).as((String) c[0]).isInstanceOf(UserException.class)
                    .hasMessageStartingWith(file + ": " + c[1]);
        }
    }

    /** parquet-java's example writer with the legacy annotations (converted types) of its own. */
    @Test
    void parquetJavasTimestampMillisAndUint32AreHonoured() {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true,
                        LogicalTypeAnnotation.TimeUnit.MILLIS)).named("ts_ns")
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.enumType()).named("kind")
                .optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(32, false)).named("frame")
                .named("event");
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(new Object[] {(long) i, "PT_FREE", (int) (3_000_000_100L + i)});
        }
        Path file = dir.resolve("pj.parquet");
        ForeignParquet.write(file, schema, rows, ForeignParquet.Options.DEFAULT, Map.of());
        EventBatch b = Traces.readAll(file);
        for (int i = 0; i < 50; i++) {
            assertThat(b.tsNs()[i]).isEqualTo(i * 1_000_000L);
            assertThat(b.frame()[i]).isEqualTo(3_000_000_100L + i);
            assertThat(b.has(i, Column.FRAME)).isTrue();
        }
    }

    /** Before, a Brotli-compressed file was not readable at all, though the README said any file in the schema was. */
    @Test
    void brotliAndEveryOtherCodecDuckDbWritesAreRead() throws SQLException {
        for (String codec : List.of("brotli", "gzip", "snappy", "lz4", "zstd", "uncompressed")) {
            Path file = duckdb(codec + ".parquet", "SELECT i * 1000 AS ts_ns, CASE WHEN i % 2 = 0 THEN 'DMA' ELSE 'PT_FREE' END AS kind, "
                    + "CAST(256 AS INTEGER) AS device, CAST(i * 4096 AS BIGINT) AS addr, CAST(1500 AS INTEGER) AS bytes, "
                    + "CAST(i AS BIGINT) AS frame FROM range(20000) t(i)", ", COMPRESSION " + codec);
            EventBatch b = Traces.readAll(file);
            assertThat(b.size()).as(codec).isEqualTo(20000);
            for (int i = 0; i < 20000; i++) {
                assertThat(b.tsNs()[i]).isEqualTo(i * 1000L);
                assertThat(b.frame()[i]).isEqualTo(i);
            }
        }
    }
}
