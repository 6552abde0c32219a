package org.iosup.replayer.cli;

import org.iosup.cli.AnalyzeCommand;
import org.iosup.cli.ExportCommand;
import org.iosup.cli.InspectCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One validation of a trace for every command that reads it: a file another tool wrote that breaks
 * the schema in a column some command does not use is refused by inspect, export, replay and
 * analyze alike, with the same message naming the file, row, row group, page, column and value.
 * Before, inspect accepted level 7, bytes 0 and level 2^32 + 3 that export refused, replay and
 * analyze a comm of 65 characters, and analyze domain 40000.
 */
class SameValidationEverywhereTest {
    @TempDir
    Path dir;

    private Path duckdb(String name, String badColumn) throws Exception {
        Path file = dir.resolve(name + ".parquet");
        // 30 good rows of every kind the columns below serve, then the bad one at row 31, then 9 more.
        String select = "SELECT i, i * 1000 AS ts_ns, "
                + "CASE WHEN i % 3 = 0 THEN 'PT_ALLOC' WHEN i % 3 = 1 THEN 'DMA' ELSE 'PROC_CREATE' END AS kind, "
                + "CAST(0 AS INTEGER) AS domain, CAST(100 + i AS INTEGER) AS pid, "
                + "CASE WHEN i % 3 = 2 THEN 'bash' END AS comm, "
                + "CASE WHEN i % 3 = 0 THEN CAST(5000 + i AS BIGINT) END AS frame, "
                + "CASE WHEN i % 3 = 0 THEN CAST(1 AS INTEGER) END AS level, "
                + "CASE WHEN i % 3 = 1 THEN CAST(256 AS INTEGER) END AS device, "
                + "CASE WHEN i % 3 = 1 THEN CAST(i * 4096 AS BIGINT) END AS addr, "
                + "CASE WHEN i % 3 = 1 THEN CAST(1500 AS INTEGER) END AS bytes "
                + "FROM range(40) t(i)";
        select = "SELECT * EXCLUDE (i) REPLACE (" + badColumn + ") FROM (" + select + ")";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT PARQUET)");
        }
        return file;
    }

    private Map<String, CliRun> runAll(Path trace) {
        Map<String, CliRun> runs = new LinkedHashMap<>();
        runs.put("inspect", CliRun.run(new InspectCommand(), trace.toString()));
        runs.put("export", CliRun.run(new ExportCommand(), trace.toString(), "-o", dir.resolve("out.csv").toString()));
        runs.put("replay", CliRun.run(new ReplayCommand(), trace.toString(), "-o", dir.resolve("replay").toString(),
                "--threads", "1", "-q"));
        runs.put("analyze", CliRun.run(new AnalyzeCommand(), trace.toString(), "-o", dir.resolve("analyze").toString(), "-q"));
        return runs;
    }

    @Test
    void everyCommandRefusesTheSameFilesWithTheSameMessage() throws Exception {
        String[][] cases = {
            {"level7", "CASE WHEN i = 30 THEN 7 ELSE level END AS level",
                "row 31 (row group 1, page 1): column 'level' value '7': out of range 1..4"},
            {"bytes0", "CASE WHEN i = 31 THEN 0 ELSE bytes END AS bytes",
                "row 32 (row group 1, page 1): column 'bytes' value '0': out of range 1..2147483647"},
            {"wideLevel", "CASE WHEN i = 30 THEN CAST(4294967299 AS BIGINT) ELSE CAST(level AS BIGINT) END AS level",
                "row 31 (row group 1, page 1): column 'level' value '4294967299': out of range 1..4"},
            {"longComm", "CASE WHEN i = 32 THEN repeat('x', 65) ELSE comm END AS comm",
                "row 33 (row group 1, page 1): column 'comm' value '" + "x".repeat(64) + "... (65 characters)': longer than 64 characters"},
            {"domain", "CASE WHEN i = 30 THEN 40000 ELSE domain END AS domain",
                "row 31 (row group 1, page 1): column 'domain' value '40000': out of range 0..32751"},
            {"noDevice", "CASE WHEN i = 31 THEN NULL ELSE device END AS device",
                "row 32 (row group 1, page 1): column 'device': required for kind DMA but empty"},
        };
        for (String[] c : cases) {
            Path trace = duckdb(c[0], c[1]);
            for (Map.Entry<String, CliRun> e : runAll(trace).entrySet()) {
                CliRun r = e.getValue();
                assertThat(r.exitCode).as("%s %s: %s", c[0], e.getKey(), r).isEqualTo(2);
                assertThat(r.err).as("%s %s", c[0], e.getKey())
                        .isEqualTo(e.getKey() + ": error: " + trace + " " + c[2] + "\n");
            }
            for (String out : List.of("out.csv", "replay", "analyze")) {
                assertThat(Files.exists(dir.resolve(out))).as("%s left %s", c[0], out).isFalse();
            }
        }
    }
}
