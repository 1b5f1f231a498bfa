package io.geminidigest.summarize;

import java.util.function.ToIntFunction;

/** An exact token counter (countTokens) that can count for another model: a job's own. */
public interface ModelTokenCounter extends ToIntFunction<String> {

    /** The counter of {@code model}; this one when it is null or this counter's own model. */
    ToIntFunction<String> forModel(String model);
}
