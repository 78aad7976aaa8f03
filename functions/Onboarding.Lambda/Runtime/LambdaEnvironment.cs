namespace Onboarding.Lambda.Runtime;

/// <summary>Environment variables the Lambda service sets for a custom runtime.</summary>
public static class LambdaEnvironment
{
    /// <summary>host:port of the Runtime API; its presence means "running inside Lambda".</summary>
    public const string RuntimeApi = "AWS_LAMBDA_RUNTIME_API";

    public const string TraceId = "_X_AMZN_TRACE_ID";
    public const string FunctionName = "AWS_LAMBDA_FUNCTION_NAME";
    public const string FunctionVersion = "AWS_LAMBDA_FUNCTION_VERSION";
    public const string FunctionMemorySize = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";
    public const string LogGroupName = "AWS_LAMBDA_LOG_GROUP_NAME";
    public const string LogStreamName = "AWS_LAMBDA_LOG_STREAM_NAME";
}
