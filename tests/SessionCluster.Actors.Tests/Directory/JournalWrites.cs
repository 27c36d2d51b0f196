using Akka.Actor;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Sessions;

namespace SessionCluster.Actors.Tests.Directory;

/// <summary>Journal a session's events the real way, for the directory tests to read back.</summary>
internal static class JournalWrites
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>Each command through a session entity (its events persisted and tagged by the real plugin), then the entity stops.</summary>
    public static void Write(TestKit kit, string id, params SessionCommandEnvelope[] commands)
    {
        var host = kit.CreateTestProbe();
        var entity = kit.Sys.ActorOf(SessionEntity.Props(id, host.Ref, ActorRefs.Nobody, SessionEntitySettings.Default));
        foreach (var command in commands)
        {
            entity.Tell(command, kit.TestActor);
            kit.ExpectMsg<SessionAccepted>(Wait);
        }

        kit.Watch(entity);
        kit.Sys.Stop(entity);
        kit.ExpectTerminated(entity, Wait);
    }
}
