namespace Onboarding.Lambda.Runtime;

internal sealed class LambdaContext(
    RuntimeApiInvocation invocation,
    LambdaFunctionInfo function,
    TimeProvider timeProvider) : ILambdaContext
{
    public string AwsRequestId => invocation.RequestId;

    public string InvokedFunctionArn => invocation.InvokedFunctionArn;

    public string FunctionName => function.Name;

    public string FunctionVersion => function.Version;

    public int MemoryLimitInMB => function.MemoryLimitInMB;

    public string LogGroupName => function.LogGroupName;

    public string LogStreamName => function.LogStreamName;

    public string? TraceId => invocation.TraceId;

    public DateTimeOffset Deadline => invocation.Deadline;

    public TimeSpan RemainingTime => invocation.Deadline - timeProvider.GetUtcNow();
}

/// <summary>The function's own settings, which Lambda passes as environment variables.</summary>
internal sealed record LambdaFunctionInfo(
    string Name,
    string Version,
    int MemoryLimitInMB,
    string LogGroupName,
    string LogStreamName)
{
    public static LambdaFunctionInfo FromEnvironment() => new(
        Environment.GetEnvironmentVariable(LambdaEnvironment.FunctionName) ?? "",
        Environment.GetEnvironmentVariable(LambdaEnvironment.FunctionVersion) ?? "",
        int.TryParse(Environment.GetEnvironmentVariable(LambdaEnvironment.FunctionMemorySize), out var memory) ? memory : 0,
        Environment.GetEnvironmentVariable(LambdaEnvironment.LogGroupName) ?? "",
        Environment.GetEnvironmentVariable(LambdaEnvironment.LogStreamName) ?? "");
}
