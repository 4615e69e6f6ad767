package dev.ebpm.loader.wasm;

import dev.ebpm.loader.BpfException;

/**
 * A WebAssembly guest did something the host refuses (a pointer outside its memory, an unknown
 * object handle or map fd, a callback of the wrong type) or trapped. The message is one line
 * naming the host call and the offending value; the run has ended and released its BPF objects.
 */
public class WasmException extends BpfException {
    public WasmException(String message) {
        super(message);
    }

    public WasmException(String message, String detail) {
        super(message, detail);
    }
}
