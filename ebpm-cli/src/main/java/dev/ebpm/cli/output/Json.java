package dev.ebpm.cli.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/** What every {@code --json} prints: one indented JSON document on stdout, with the text columns' names as fields. */
public final class Json {
    private Json() {
    }

    /** Built on first use: an ObjectMapper costs a table printer (ebpm list) a few hundred classes it does not need. */
    private static final class Mapper {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    public static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    public static void print(PrintStream out, Object value) {
        try {
            Mapper.MAPPER.writeValue(out, value);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
        out.flush();
    }

    /** A value as one line of JSON (an error object). */
    public static String line(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
