namespace SessionCluster.Domain;

/// <summary>What made a session fail; each kind has its own recovery suggestion (<see cref="RecoveryHints"/>).</summary>
public enum ErrorKind
{
    Auth,
    ModelApiUnreachable,
    ModelApiError,
    AgentBinaryMissing,
    BadWorkdir,
    NonZeroExit,
    CrashBySignal,
    NoResult,
    AgentError,
    NodeLost,
}
