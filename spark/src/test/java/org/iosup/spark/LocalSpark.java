package org.iosup.spark;

import org.apache.spark.sql.SparkSession;

/** The tests' Spark: local, two executor threads, no web UI, as the launcher's local runs. */
final class LocalSpark {
    private LocalSpark() {
    }

    static SparkSession start() {
        return SparkSession.builder().master("local[2]").appName("iosup test").config("spark.ui.enabled", "false")
                .config("spark.sql.debug.maxToStringFields", "200").getOrCreate();
    }
}
