using System.Text.Json;
using Marketplace.Simulator.Metering;

namespace Marketplace.Simulator.Apis;

/// <summary>POST / with the AWS JSON 1.1 protocol, dispatched on <c>X-Amz-Target</c>, as Marketplace's endpoints do.</summary>
public static class MarketplaceApi
{
    public const string ContentType = "application/x-amz-json-1.1";

    public static IEndpointRouteBuilder MapMarketplaceApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/", HandleAsync);
        return app;
    }

    public static async Task HandleAsync(HttpContext context, MarketplaceState state)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target switch
        {
            "AWSMPMeteringService.ResolveCustomer" => "ResolveCustomer",
            "AWSMPMeteringService.BatchMeterUsage" => "BatchMeterUsage",
            "AWSMPEntitlementService.GetEntitlements" => "GetEntitlements",
            _ => null,
        };

        try
        {
            if (operation is null)
            {
                throw new MarketplaceError("UnknownOperationException", $"Operation '{target}' is not supported by the Marketplace simulator.");
            }

            RequireSignature(context, target);
            state.ThrowArmedFault(operation);
            var body = context.Request.Body;
            switch (operation)
            {
                case "ResolveCustomer":
                    var resolve = await ReadAsync(body, WireJsonContext.Default.ResolveCustomerInput, context.RequestAborted);
                    await WriteAsync(context, 200, state.ResolveCustomer(resolve), WireJsonContext.Default.ResolveCustomerOutput);
                    break;
                case "BatchMeterUsage":
                    var meter = await ReadAsync(body, WireJsonContext.Default.BatchMeterUsageInput, context.RequestAborted);
                    await WriteAsync(context, 200, state.BatchMeterUsage(meter), WireJsonContext.Default.BatchMeterUsageOutput);
                    break;
                default:
                    var entitlements = await ReadAsync(body, WireJsonContext.Default.GetEntitlementsInput, context.RequestAborted);
                    await WriteAsync(context, 200, state.GetEntitlements(entitlements), WireJsonContext.Default.GetEntitlementsOutput);
                    break;
            }
        }
        catch (MarketplaceError error)
        {
            context.Response.Headers["X-Amzn-ErrorType"] = error.Code;
            await WriteAsync(context, error.Status, new ErrorWire(error.Code, error.Message), WireJsonContext.Default.ErrorWire);
        }
    }

    /// <summary>
    /// The signature itself is not checked (the simulator knows no secret), but a request must carry a SigV4
    /// Authorization header scoped to the "aws-marketplace" signing name, as Marketplace requires.
    /// </summary>
    private static void RequireSignature(HttpContext context, string target)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("AWS4-HMAC-SHA256 Credential=", StringComparison.Ordinal) ||
            !authorization.Contains("/aws-marketplace/aws4_request", StringComparison.Ordinal))
        {
            throw new MarketplaceError(
                "MissingAuthenticationTokenException",
                $"{target}: request is not signed with SigV4 for the 'aws-marketplace' service.",
                403);
        }

        if (!context.Request.ContentType?.StartsWith(ContentType, StringComparison.Ordinal) ?? true)
        {
            throw new MarketplaceError("UnsupportedMediaTypeException", $"Content-Type must be {ContentType}.", 415);
        }
    }

    private static async Task<T> ReadAsync<T>(Stream body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(body, type, ct)
                ?? throw new MarketplaceError("SerializationException", "Request body is null.");
        }
        catch (JsonException ex)
        {
            throw new MarketplaceError("SerializationException", $"Request body is not valid JSON for this operation: {ex.Message}");
        }
    }

    private static async Task WriteAsync<T>(HttpContext context, int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }
}
