package dev.ebpm.cli.run;

/** {@link RunSigsnoopTest#signalFromChild} for tests in other packages. */
public final class RunSigsnoopTestAccess {
    private RunSigsnoopTestAccess() {
    }

    public static long[] signalFromChild(String signal) throws Exception {
        return RunSigsnoopTest.signalFromChild(signal);
    }
}
