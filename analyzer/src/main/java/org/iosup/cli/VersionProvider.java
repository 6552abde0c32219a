package org.iosup.cli;

import org.iosup.io.ToolVersion;
import picocli.CommandLine;

/** Supplies {@code --version}: the tool version from the build, the schema version and the Java runtime. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "iosup " + ToolVersion.version(),
            "events schema v" + org.iosup.schema.TableSchema.version("events"),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
