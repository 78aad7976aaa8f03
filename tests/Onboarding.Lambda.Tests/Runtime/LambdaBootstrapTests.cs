using System.Text.Json;
using Onboarding.Lambda.Runtime;
using Onboarding.Lambda.Testing;
using Onboarding.Lambda.Tests.Support;

namespace Onboarding.Lambda.Tests.Runtime;

public sealed class LambdaBootstrapTests
{
    private static Task<RunningFunction> StartGreeterAsync() =>
        RunningFunction.StartAsync<Greeting, Reply>(
            (greeting, context) => greeting.Name == "boom"
                ? throw new InvalidOperationException("Preis ungültig – 価格が無効です")
                : Task.FromResult(new Reply($"Hello {greeting.Name}", context.AwsRequestId)));

    [Fact]
    public async Task Invocation_WhenHandlerSucceeds_PostsSerializedResponseForThatRequestId()
    {
        await using var function = await StartGreeterAsync();

        var result = await function.Emulator.InvokeAsync("""{"Name":"Ada"}""", new EmulatedInvocation(RequestId: "req-1")).Within();

        Assert.True(result.Succeeded);
        Assert.Equal("application/json", result.ContentType);
        var reply = JsonSerializer.Deserialize(result.Body, TestJsonContext.Default.Reply);
        Assert.Equal(new Reply("Hello Ada", "req-1"), reply);
    }

    [Fact]
    public async Task Invocation_WhenHandlerThrows_PostsDocumentedErrorAndTheLoopServesTheNextInvocation()
    {
        await using var function = await StartGreeterAsync();

        var failed = await function.Emulator.InvokeAsync("""{"Name":"boom"}""").Within();
        var next = await function.Emulator.InvokeAsync("""{"Name":"Grace"}""").Within();

        Assert.False(failed.Succeeded);
        var error = failed.Error!;
        Assert.Equal("application/vnd.aws.lambda.error+json", error.ContentType);
        Assert.Equal("InvalidOperationException", error.ErrorTypeHeader);
        var body = JsonSerializer.Deserialize(error.Body, ErrorJsonContext.Default.RuntimeErrorBody)!;
        Assert.Equal("InvalidOperationException", body.ErrorType);
        Assert.Equal("Preis ungültig – 価格が無効です", body.ErrorMessage);
        Assert.NotEmpty(body.StackTrace);
        using var cause = JsonDocument.Parse(error.XRayCauseHeader);
        Assert.Equal("Preis ungültig – 価格が無効です", cause.RootElement.GetProperty("exceptions")[0].GetProperty("message").GetString());

        Assert.True(next.Succeeded);
        Assert.Contains("Hello Grace", next.BodyText, StringComparison.Ordinal);
        Assert.False(function.Loop.IsCompleted);
    }

    [Fact]
    public async Task Invocation_WhenEventIsNotValidJson_FailsThatInvocationOnly()
    {
        await using var function = await StartGreeterAsync();

        var failed = await function.Emulator.InvokeAsync("""{"Name":""").Within();
        var next = await function.Emulator.InvokeAsync("""{"Name":"Linus"}""").Within();

        Assert.Equal("JsonException", failed.Error?.ErrorTypeHeader);
        Assert.True(next.Succeeded);
    }

    [Fact]
    public async Task Initialisation_WhenInitializerThrows_ReportsInitErrorAndNeverAsksForWork()
    {
        await using var function = await RunningFunction.StartAsync<Greeting, Reply>(
            (greeting, _) => Task.FromResult(new Reply(greeting.Name, "")),
            builder => builder.UseInitializer(() => throw new InvalidOperationException("FEED_TABLE is not set")));

        var error = await function.Emulator.InitError.Within();
        var loopFailure = await Assert.ThrowsAsync<InvalidOperationException>(() => function.Loop.Within());

        Assert.Equal("FEED_TABLE is not set", loopFailure.Message);
        Assert.Equal("application/vnd.aws.lambda.error+json", error.ContentType);
        Assert.Equal("InvalidOperationException", error.ErrorTypeHeader);
        var body = JsonSerializer.Deserialize(error.Body, ErrorJsonContext.Default.RuntimeErrorBody)!;
        Assert.Equal("FEED_TABLE is not set", body.ErrorMessage);
        Assert.Equal(0, function.Emulator.NextRequestCount);
    }

    [Fact]
    public async Task Initialisation_WhenInitializerSucceeds_RunsOnceBeforeTheFirstInvocation()
    {
        var initialised = 0;
        await using var function = await RunningFunction.StartAsync<Greeting, Reply>(
            (greeting, _) => Task.FromResult(new Reply($"{greeting.Name} after {Volatile.Read(ref initialised)} init", "")),
            builder => builder.UseInitializer(() =>
            {
                Interlocked.Increment(ref initialised);
                return Task.CompletedTask;
            }));

        var first = await function.Emulator.InvokeAsync("""{"Name":"a"}""").Within();
        var second = await function.Emulator.InvokeAsync("""{"Name":"b"}""").Within();

        Assert.Contains("a after 1 init", first.BodyText, StringComparison.Ordinal);
        Assert.Contains("b after 1 init", second.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Context_CarriesRequestIdArnTraceAndDeadline_AndRemainingTimeIsDeadlineMinusNow()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        ILambdaContext? seen = null;
        TimeSpan remaining = default;
        await using var function = await RunningFunction.StartAsync<Greeting, Reply>(
            (greeting, context) =>
            {
                seen = context;
                remaining = context.RemainingTime;
                return Task.FromResult(new Reply(greeting.Name, context.AwsRequestId));
            },
            builder => builder.UseTimeProvider(new FixedTimeProvider(now)));

        var invocation = new EmulatedInvocation(
            RequestId: "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
            Deadline: now.AddMilliseconds(2_750),
            FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:metering",
            TraceId: "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
        await function.Emulator.InvokeAsync("""{"Name":"x"}""", invocation).Within();

        Assert.NotNull(seen);
        Assert.Equal("8476a536-e9f4-11e8-9739-2dfe598c3fcd", seen.AwsRequestId);
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:metering", seen.InvokedFunctionArn);
        Assert.Equal(invocation.TraceId, seen.TraceId);
        Assert.Equal(now.AddMilliseconds(2_750), seen.Deadline);
        Assert.Equal(TimeSpan.FromMilliseconds(2_750), remaining);
    }

    [Fact]
    public async Task Context_WhenDeadlineHasPassed_ReportsNegativeRemainingTime()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        TimeSpan remaining = default;
        await using var function = await RunningFunction.StartAsync<Greeting, Reply>(
            (greeting, context) =>
            {
                remaining = context.RemainingTime;
                return Task.FromResult(new Reply(greeting.Name, ""));
            },
            builder => builder.UseTimeProvider(new FixedTimeProvider(now)));

        await function.Emulator.InvokeAsync("""{"Name":"x"}""", new EmulatedInvocation(Deadline: now.AddSeconds(-1))).Within();

        Assert.Equal(TimeSpan.FromSeconds(-1), remaining);
    }

    [Fact]
    public async Task Sequence_OfInvocations_IsHandledOneAtATimeEachAnsweredUnderItsOwnRequestId()
    {
        var handled = new List<string>();
        await using var function = await RunningFunction.StartAsync<Greeting, Reply>((greeting, context) =>
        {
            lock (handled)
            {
                handled.Add(greeting.Name);
            }
            return greeting.Name.EndsWith('3')
                ? throw new ArgumentException("three is refused")
                : Task.FromResult(new Reply(greeting.Name, context.AwsRequestId));
        });

        var pending = Enumerable.Range(1, 6)
            .Select(i => function.Emulator.InvokeAsync($$"""{"Name":"n{{i}}"}""", new EmulatedInvocation(RequestId: $"r{i}")))
            .ToArray();
        var results = await Task.WhenAll(pending).Within();

        Assert.Equal(["n1", "n2", "n3", "n4", "n5", "n6"], handled);
        Assert.Equal(["r1", "r2", "r3", "r4", "r5", "r6"], results.Select(r => r.RequestId));
        Assert.Equal([true, true, false, true, true, true], results.Select(r => r.Succeeded));
        foreach (var result in results.Where(r => r.Succeeded))
        {
            Assert.Equal(result.RequestId, JsonSerializer.Deserialize(result.Body, TestJsonContext.Default.Reply)!.RequestId);
        }
    }

    [Fact]
    public async Task Response_AboveLambdasSizeLimit_FailsThatInvocationAndTheLoopGoesOn()
    {
        await using var function = await RunningFunction.StartAsync<Greeting, Reply>(
            (greeting, context) => Task.FromResult(new Reply(
                greeting.Name == "big" ? new string('x', RuntimeApiEmulator.MaxResponseBytes) : greeting.Name,
                context.AwsRequestId)));

        var tooLarge = await function.Emulator.InvokeAsync("""{"Name":"big"}""").Within();
        var next = await function.Emulator.InvokeAsync("""{"Name":"small"}""").Within();

        Assert.False(tooLarge.Succeeded);
        Assert.Equal("Function.ResponseSizeTooLarge", tooLarge.Error!.ErrorTypeHeader);
        Assert.True(next.Succeeded);
        Assert.False(function.Loop.IsCompleted);
    }

    [Fact]
    public async Task Handler_WithoutResult_AnswersWithEmptyResponse()
    {
        var seen = new List<string>();
        await using var emulator = await RuntimeApiEmulator.StartAsync();
        using var bootstrap = LambdaBootstrapBuilder
            .Create((Greeting greeting, ILambdaContext _) =>
            {
                seen.Add(greeting.Name);
                return Task.CompletedTask;
            }, new SourceGeneratorLambdaJsonSerializer<TestJsonContext>())
            .UseRuntimeApi(emulator.RuntimeApi)
            .Build();
        using var stop = new CancellationTokenSource();
        var loop = bootstrap.RunAsync(stop.Token);

        var result = await emulator.InvokeAsync("""{"Name":"tick"}""").Within();
        await stop.CancelAsync();
        await loop.Within();

        Assert.True(result.Succeeded);
        Assert.Empty(result.Body);
        Assert.Equal(["tick"], seen);
    }

    [Fact]
    public async Task Loop_WhenRuntimeApiIsUnreachable_EndsWithTheConnectionError()
    {
        string runtimeApi;
        await using (var emulator = await RuntimeApiEmulator.StartAsync())
        {
            runtimeApi = emulator.RuntimeApi;
        }
        using var bootstrap = LambdaBootstrapBuilder
            .Create((Greeting g, ILambdaContext _) => Task.FromResult(g), new SourceGeneratorLambdaJsonSerializer<TestJsonContext>())
            .UseRuntimeApi(runtimeApi)
            .Build();

        await Assert.ThrowsAsync<HttpRequestException>(() => bootstrap.RunAsync().Within());
    }

    [Fact]
    public void Build_WithoutRuntimeApi_ExplainsWhatIsMissing()
    {
        var builder = LambdaBootstrapBuilder
            .Create((Greeting g, ILambdaContext _) => Task.FromResult(g), new SourceGeneratorLambdaJsonSerializer<TestJsonContext>())
            .UseRuntimeApi("");

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Contains("AWS_LAMBDA_RUNTIME_API", error.Message, StringComparison.Ordinal);
    }
}
