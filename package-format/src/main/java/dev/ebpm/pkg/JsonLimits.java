package dev.ebpm.pkg;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * How far JSON from outside (a manifest, a hub's index, a lockfile) may go before it is refused: nesting depth, number of
 * values and string length, enforced by Jackson's parser as it reads (so a document nested 100,000 deep or holding a
 * million empty objects fails fast, in little memory), and the one-line message for a refusal or a syntax error.
 *
 * @param maxDepth  arrays and objects nested at most this deep
 * @param maxValues tokens in the whole document (each value, and each start and end of an array or object)
 * @param maxString characters in one string
 */
public record JsonLimits(int maxDepth, long maxValues, int maxString) {
    /** A mapper builder whose parser keeps these limits. */
    public JsonMapper.Builder mapper() {
        return JsonMapper.builder(JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth).maxTokenCount(maxValues).maxStringLength(maxString).build()).build());
    }

    /**
     * One line for why {@code e} refused a document: the limits (Jackson's own wording names its methods), or the syntax
     * error and where it is.
     */
    public String describe(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return "JSON past this reader's limits (at most " + maxDepth + " levels deep, " + maxValues + " values, "
                    + maxString + "-character strings)";
        }
        String what = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
        // an unclosed object's message goes on with where it started, in Jackson's own notation: the line and column say it
        int marker = what.indexOf(" (start marker at ");
        if (marker >= 0) what = what.substring(0, marker);
        return e.getLocation() == null ? what
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": " + what;
    }
}
