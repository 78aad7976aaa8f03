namespace Marketplace.Simulator;

/// <summary>Marks this assembly for <c>WebApplicationFactory&lt;SimulatorApp&gt;</c>; the API owns the public <c>Program</c>.</summary>
public sealed class SimulatorApp;
