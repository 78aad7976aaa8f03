namespace Onboarding.Lambda.Runtime;

/// <summary>
/// What one invocation knows about itself; the members mirror Amazon.Lambda.Core's ILambdaContext
/// so that handlers move to the official package by changing a using.
/// </summary>
public interface ILambdaContext
{
    string AwsRequestId { get; }

    string InvokedFunctionArn { get; }

    string FunctionName { get; }

    string FunctionVersion { get; }

    int MemoryLimitInMB { get; }

    string LogGroupName { get; }

    string LogStreamName { get; }

    /// <summary>The X-Ray trace header of this invocation, also set as <c>_X_AMZN_TRACE_ID</c>.</summary>
    string? TraceId { get; }

    /// <summary>When Lambda stops the invocation. Not on the official interface (it has only <see cref="RemainingTime"/>).</summary>
    DateTimeOffset Deadline { get; }

    TimeSpan RemainingTime { get; }
}
