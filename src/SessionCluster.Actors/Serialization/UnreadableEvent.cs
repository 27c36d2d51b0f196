namespace SessionCluster.Actors.Serialization;

/// <summary>
/// What <see cref="SessionEventSerializer"/> reads from a journal row (or snapshot) it cannot decode: an unknown manifest
/// (written by a newer node, say) or bytes that do not parse. Returned instead of thrown so that neither an entity's
/// recovery nor the journal's tag query fails; the entity then refuses every command naming it, the read model skips it.
/// Not a <c>SessionEvent</c>: <c>Session.Apply</c> never sees it.
/// </summary>
/// <param name="Manifest">The manifest stored beside the bytes.</param>
/// <param name="Problem">Why it could not be read.</param>
public sealed record UnreadableEvent(string Manifest, string Problem);
