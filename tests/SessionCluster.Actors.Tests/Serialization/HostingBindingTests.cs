using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SessionCluster.Actors.Serialization;

namespace SessionCluster.Actors.Tests.Serialization;

/// <summary>The Akka.Hosting binding the node uses (the Actors project does not reference Akka.Hosting itself).</summary>
public sealed class HostingBindingTests
{
    [Fact]
    public async Task WithCustomSerializer_binds_every_event_and_the_state()
    {
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(nameof(HostingBindingTests), builder => builder.WithCustomSerializer(
                SessionEventSerializer.SerializerName,
                SessionEventSerializer.BoundTypes,
                system => new SessionEventSerializer(system))))
            .Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            foreach (var (manifest, sample) in SerializationSamples.Full)
            {
                var serializer = Assert.IsType<SessionEventSerializer>(system.Serialization.FindSerializerFor(sample));
                Assert.Equal(SessionEventSerializer.SerializerId, serializer.Identifier);
                var back = system.Serialization.Deserialize(serializer.ToBinary(sample), serializer.Identifier, manifest);
                Assert.Equal(Canonical.Of(sample), Canonical.Of(back));
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task WithCustomSerializer_binds_every_cluster_message_through_the_marker()
    {
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(nameof(HostingBindingTests), builder => builder.WithCustomSerializer(
                SessionMessageSerializer.SerializerName,
                SessionMessageSerializer.BoundTypes,
                system => new SessionMessageSerializer(system))))
            .Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            foreach (var (manifest, sample) in MessageSamples.Full)
            {
                var serializer = Assert.IsType<SessionMessageSerializer>(system.Serialization.FindSerializerFor(sample));
                Assert.Equal(SessionMessageSerializer.SerializerId, serializer.Identifier);
                var back = system.Serialization.Deserialize(serializer.ToBinary(sample), serializer.Identifier, manifest);
                Assert.Equal(Canonical.Of(sample), Canonical.Of(back));
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
