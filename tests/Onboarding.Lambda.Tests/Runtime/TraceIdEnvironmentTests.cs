using Onboarding.Lambda.Runtime;
using Onboarding.Lambda.Testing;
using Onboarding.Lambda.Tests.Support;

namespace Onboarding.Lambda.Tests.Runtime;

// _X_AMZN_TRACE_ID is process-wide, so this runs alone.
[CollectionDefinition(nameof(ProcessEnvironmentCollection), DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;

[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class TraceIdEnvironmentTests
{
    [Fact]
    public async Task TraceIdEnvironmentVariable_IsSetForEachInvocationAndClearedWhenAbsent()
    {
        var seen = new List<string?>();
        await using var function = await RunningFunction.StartAsync<Greeting, Reply>((greeting, _) =>
        {
            seen.Add(Environment.GetEnvironmentVariable(LambdaEnvironment.TraceId));
            return Task.FromResult(new Reply(greeting.Name, ""));
        });

        await function.Emulator.InvokeAsync("""{"Name":"a"}""", new EmulatedInvocation(TraceId: "Root=1-aaaa;Sampled=1")).Within();
        await function.Emulator.InvokeAsync("""{"Name":"b"}""", new EmulatedInvocation(TraceId: "Root=1-bbbb;Sampled=0")).Within();
        await function.Emulator.InvokeAsync("""{"Name":"c"}""").Within();

        Assert.Equal(["Root=1-aaaa;Sampled=1", "Root=1-bbbb;Sampled=0", null], seen);
    }
}
