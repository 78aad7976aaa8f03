namespace Onboarding.Lambda.Hosting;

public sealed class LambdaServerOptions
{
    /// <summary>host:port of the Runtime API (in Lambda: <c>AWS_LAMBDA_RUNTIME_API</c>).</summary>
    public string RuntimeApi { get; set; } = "";

    /// <summary>The clock behind the context's remaining time.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
