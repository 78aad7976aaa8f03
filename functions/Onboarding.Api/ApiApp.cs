namespace Onboarding.Api;

/// <summary>
/// Marks this assembly for <c>WebApplicationFactory&lt;ApiApp&gt;</c>: since .NET 10 both this app's and the Marketplace
/// simulator's top-level <c>Program</c> are public, so a test project referencing both cannot name <c>Program</c>.
/// </summary>
public sealed class ApiApp;
