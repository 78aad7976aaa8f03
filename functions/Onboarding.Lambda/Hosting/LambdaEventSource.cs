namespace Onboarding.Lambda.Hosting;

/// <summary>Which API Gateway flavour invokes the function (same names as Amazon.Lambda.AspNetCoreServer.Hosting).</summary>
public enum LambdaEventSource
{
    /// <summary>REST API (payload 1.0). Not supported here.</summary>
    RestApi,

    /// <summary>HTTP API, payload format 2.0.</summary>
    HttpApi,

    /// <summary>Application Load Balancer. Not supported here.</summary>
    ApplicationLoadBalancer,
}
