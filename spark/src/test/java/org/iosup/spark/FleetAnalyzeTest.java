package org.iosup.spark;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.SparkSession;
import org.iosup.analysis.RecordedMetric;
import org.iosup.analysis.TraceAnalysis;
import org.iosup.fleet.FleetLayout;
import org.iosup.fleet.FleetMake;
import org.iosup.trace.parquet.TraceReadOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** fleet analyze's census, by Spark SQL over the Parquet files, equals analyze's counts of each trace. */
class FleetAnalyzeTest {
    @TempDir
    static Path dir;
    static Path fleet;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        fleet = dir.resolve("fleet");
        FleetMake.write(FleetMake.plan(3, 1.2, List.of("busy", "boot-busy"), 3, LocalDate.of(2026, 3, 4)), fleet, 2, h -> { });
        spark = LocalSpark.start();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void theCensusOfEachHostIsWhatAnalyzeCountsOfItsTrace() throws IOException {
        Files.createDirectories(fleet.resolve("host=zz/date=2026-03-04"));
        Files.writeString(fleet.resolve("host=zz/date=2026-03-04/part-0.parquet"), "PAR1 but no more");
        Path out = dir.resolve("census");
        FleetAnalyze.Result r = FleetAnalyze.run(spark, fleet.toString(), out.toString(), false);
        assertThat(r.traces()).isEqualTo(4);
        assertThat(r.failed()).isEqualTo(1);
        List<CSVRecord> rows;
        try (Reader in = Files.newBufferedReader(out.resolve("hosts.csv"))) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
        assertThat(rows).extracting(x -> x.get("host")).containsExactly("host-000", "host-001", "host-002", "*");
        long events = 0;
        for (FleetLayout.Part p : FleetLayout.list(fleet).stream().filter(p -> !p.host().equals("zz")).toList()) {
            TraceAnalysis a = TraceAnalysis.read(fleet.resolve(p.relative()), TraceReadOptions.DEFAULT, x -> { });
            CSVRecord row = rows.stream().filter(x -> x.get("host").equals(p.host())).findFirst().orElseThrow();
            assertThat(row.get("date")).isEqualTo("2026-03-04");
            assertThat(row.get("traces")).isEqualTo("1");
            assertThat(Long.parseLong(row.get("minutes"))).isEqualTo(a.series().minutes());
            for (RecordedMetric m : RecordedMetric.values()) {
                if (m.isGauge() || !FleetAnalyze.HOSTS.fieldNames().contains(m.column())) {
                    continue;
                }
                assertThat(Long.parseLong(row.get(m.column()))).as(p.host() + " " + m.column()).isEqualTo(a.series().total(m));
            }
            events += Long.parseLong(row.get("events"));
        }
        assertThat(Long.parseLong(rows.get(3).get("events"))).isEqualTo(events);
        assertThat(Files.readString(out.resolve("failed.csv"))).contains("host=zz/date=2026-03-04/part-0.parquet,zz,2026-03-04,")
                .contains("not a Parquet file");
    }

    /** A Parquet file of the fleet that is no trace (other columns) is a clear error, and nothing is written. */
    @Test
    void aParquetFileThatIsNoTraceIsAClearError() throws IOException {
        Path odd = dir.resolve("odd-fleet");
        Path staging = dir.resolve("odd-staging");
        spark.range(10).toDF("x").coalesce(1).write().parquet(staging.toString());
        Path part;
        try (java.util.stream.Stream<Path> files = Files.list(staging)) {
            part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        Files.createDirectories(odd.resolve("host=h/date=2026-03-04"));
        Files.copy(part, odd.resolve("host=h/date=2026-03-04/part-0.parquet"));
        Path out = dir.resolve("odd-census");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FleetAnalyze.run(spark, odd.toString(), out.toString(), false))
                .isInstanceOf(org.iosup.io.UserException.class).hasMessageContaining("cannot count the fleet's traces")
                .hasMessageContaining("events.schema.json");
        assertThat(out).doesNotExist();
    }
}
