namespace SessionCluster.Actors.Serialization;

/// <summary>
/// Marks a message that may cross nodes. The binding of this one interface to <see cref="SessionMessageSerializer"/>
/// is what keeps CLR type names off the wire (remoting runs in untrusted mode): every implementer needs a manifest there.
/// </summary>
public interface ISessionClusterMessage;
