using Onboarding.Lambda.Runtime;
using Onboarding.Lambda.Testing;

namespace Onboarding.Lambda.Tests.Support;

/// <summary>The real runtime loop running in-process against a fresh emulator.</summary>
internal sealed class RunningFunction : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly LambdaBootstrap _bootstrap;

    private RunningFunction(RuntimeApiEmulator emulator, LambdaBootstrap bootstrap)
    {
        Emulator = emulator;
        _bootstrap = bootstrap;
        Loop = bootstrap.RunAsync(_stop.Token);
    }

    public RuntimeApiEmulator Emulator { get; }

    /// <summary>The task of <see cref="LambdaBootstrap.RunAsync"/>.</summary>
    public Task Loop { get; }

    public static async Task<RunningFunction> StartAsync(Func<LambdaBootstrapBuilder, LambdaBootstrapBuilder> configure)
    {
        var emulator = await RuntimeApiEmulator.StartAsync();
        var bootstrap = configure(LambdaBootstrapBuilder.Create(
                (Greeting greeting, ILambdaContext context) => Task.FromResult(new Reply($"Hello {greeting.Name}", context.AwsRequestId)),
                new SourceGeneratorLambdaJsonSerializer<TestJsonContext>()))
            .UseRuntimeApi(emulator.RuntimeApi)
            .Build();
        return new RunningFunction(emulator, bootstrap);
    }

    public static async Task<RunningFunction> StartAsync<TEvent, TResponse>(
        Func<TEvent, ILambdaContext, Task<TResponse>> handler,
        Func<LambdaBootstrapBuilder, LambdaBootstrapBuilder>? configure = null)
    {
        var emulator = await RuntimeApiEmulator.StartAsync();
        var builder = LambdaBootstrapBuilder.Create(handler, new SourceGeneratorLambdaJsonSerializer<TestJsonContext>())
            .UseRuntimeApi(emulator.RuntimeApi);
        var bootstrap = (configure?.Invoke(builder) ?? builder).Build();
        return new RunningFunction(emulator, bootstrap);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Loop.Within();
        }
        catch (Exception)
        {
            // Tests that expect the loop to fail assert that themselves.
        }
        _bootstrap.Dispose();
        await Emulator.DisposeAsync();
        _stop.Dispose();
    }
}
