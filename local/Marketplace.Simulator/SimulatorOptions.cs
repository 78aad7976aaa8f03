namespace Marketplace.Simulator;

/// <summary>Configuration section "Simulator" (environment: <c>Simulator__LandingUrl</c>, …).</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>Where the Subscribe button posts <c>x-amzn-marketplace-token</c>: the seller's registration page.</summary>
    public string LandingUrl { get; set; } = "http://127.0.0.1:5080/";

    /// <summary>The catalogue file; a relative path is looked up in the content root, then beside the executable.</summary>
    public string CataloguePath { get; set; } = "catalogue.json";

    /// <summary>How long a token minted by the Subscribe page or <c>POST /_sim/tokens</c> resolves.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
