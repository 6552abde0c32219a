package org.iosup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InspectCommandTest {
    @TempDir
    Path dir;

    private Path ingest(String csv) throws IOException {
        Path in = dir.resolve("t.csv");
        Files.writeString(in, csv);
        Path out = dir.resolve("t.parquet");
        CliRun r = CliRun.run(new IngestCommand(), in.toString(), "-o", out.toString(), "-q");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.err).isEmpty();
        return out;
    }

    @Test
    void jsonIsOneObjectWithTheDocumentedKeysAndRightCounts() throws IOException {
        Path t = ingest("ts_ns,kind,domain,pid,frame,level\n"
                + "100,PROC_CREATE,,7,,\n"
                + "200,PT_ALLOC,,7,50,1\n"
                + "300,PT_ALLOC,1,8,51,2\n"
                + "900,PT_FREE,,7,50,\n");
        CliRun r = CliRun.run(new InspectCommand(), t.toString(), "--json");
        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out);
        assertThat(json.isObject()).isTrue();
        assertThat(json.get("rows").asLong()).isEqualTo(4);
        assertThat(json.get("first_ts_ns").asLong()).isEqualTo(100);
        assertThat(json.get("last_ts_ns").asLong()).isEqualTo(900);
        assertThat(json.get("span_ns").asLong()).isEqualTo(800);
        assertThat(json.get("kinds").get("PT_ALLOC").asLong()).isEqualTo(2);
        assertThat(json.get("kinds").get("PROC_CREATE").asLong()).isEqualTo(1);
        assertThat(json.get("kinds").get("PT_FREE").asLong()).isEqualTo(1);
        assertThat(json.get("kinds").has("DMA")).isFalse();
        assertThat(json.get("domains").get("0").asLong()).isEqualTo(3);
        assertThat(json.get("domains").get("1").asLong()).isEqualTo(1);
        assertThat(json.get("distinct_pids").asInt()).isEqualTo(2);
        assertThat(json.get("distinct_frames").asInt()).isEqualTo(2);
        assertThat(json.get("schema_version").asInt()).isEqualTo(1);

        JsonNode schema = new ObjectMapper().readTree(Path.of("..", "schemas", "inspect.schema.json").toFile());
        List<String> documented = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(documented::add);
        List<String> printed = new ArrayList<>();
        json.fieldNames().forEachRemaining(printed::add);
        assertThat(printed).containsExactlyElementsOf(documented);
        List<String> required = new ArrayList<>();
        schema.get("required").forEach(n -> required.add(n.asText()));
        assertThat(required).contains("rows", "first_ts_ns", "last_ts_ns", "kinds");
    }

    @Test
    void anEmptyTraceHasNullTimestamps() throws IOException {
        Path t = ingest("ts_ns,kind\n");
        JsonNode json = new ObjectMapper().readTree(CliRun.run(new InspectCommand(), t.toString(), "--json").out);
        assertThat(json.get("rows").asLong()).isZero();
        assertThat(json.get("first_ts_ns").isNull()).isTrue();
        assertThat(json.get("kinds").size()).isZero();
    }

    @Test
    void aTruncatedOrNonParquetFileIsAOneLineError() throws IOException {
        Path t = ingest("ts_ns,kind,pid\n1,PROC_EXIT,1\n");
        byte[] bytes = Files.readAllBytes(t);
        Path cut = dir.resolve("cut.parquet");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 20));
        CliRun r = CliRun.run(new InspectCommand(), cut.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("inspect: error: " + cut + ": truncated or corrupt: it does not end with the "
                + "Parquet magic PAR1 (" + (bytes.length - 20) + " bytes)\n");

        CliRun csv = CliRun.run(new InspectCommand(), dir.resolve("t.csv").toString());
        assertThat(csv.exitCode).isEqualTo(2);
        assertThat(csv.err).isEqualTo("inspect: error: " + dir.resolve("t.csv") + ": is CSV text, not a Parquet trace:"
                + " convert it with 'iosup ingest " + dir.resolve("t.csv") + " -o " + dir.resolve("t.parquet") + "'\n");
    }
}
