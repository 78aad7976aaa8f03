using Onboarding.Lambda.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddAWSLambdaHosting(LambdaEventSource.HttpApi);
builder.AddFinance();
var app = builder.Build();
app.MapFinanceApi();
app.MapGet("/health", () => Results.Ok(new HealthResponse("ok")));
app.Run();

internal sealed record HealthResponse(string Status);

public partial class Program;
