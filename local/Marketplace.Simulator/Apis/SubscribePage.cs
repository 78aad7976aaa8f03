using System.Text;
using System.Text.Encodings.Web;
using Marketplace.Simulator.Catalogue;
using Marketplace.Simulator.Metering;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Simulator.Apis;

/// <summary>
/// The buyer's side of Marketplace: every product with every test customer and a Subscribe button. The button is a
/// plain HTML form POST (application/x-www-form-urlencoded) of <c>x-amzn-marketplace-token</c> to the landing URL,
/// which is how Marketplace hands a new buyer to the seller. Each page view mints fresh tokens.
/// </summary>
public static class SubscribePage
{
    public const string TokenField = "x-amzn-marketplace-token";

    public static IEndpointRouteBuilder MapSubscribePage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", Render);
        app.MapGet("/subscribe", Render);
        return app;
    }

    public static ContentHttpResult Render(MarketplaceState state, IOptions<SimulatorOptions> options)
    {
        var html = HtmlEncoder.Default;
        var landing = html.Encode(options.Value.LandingUrl);
        var page = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>AWS Marketplace simulator</title>")
            .Append("<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse;margin-bottom:2rem}")
            .Append("td,th{border:1px solid #ccc;padding:.4rem .6rem;text-align:left}</style></head><body>")
            .Append("<h1>AWS Marketplace simulator</h1>")
            .Append("<p>Subscribe posts <code>").Append(TokenField).Append("</code> to <code>").Append(landing).Append("</code>.</p>");

        foreach (var product in state.Catalogue.Products)
        {
            page.Append("<section data-product-code=\"").Append(html.Encode(product.ProductCode)).Append("\">")
                .Append("<h2>").Append(html.Encode(product.Title)).Append("</h2>")
                .Append("<p>Product code <code>").Append(html.Encode(product.ProductCode)).Append("</code>, SaaS ")
                .Append(product.PricingModel == PricingModel.Contract ? "contract" : "subscription").Append(". Dimensions: ")
                .AppendJoin(", ", product.Dimensions.Select(d => $"<code>{html.Encode(d.Name)}</code> ({html.Encode(d.Description)})"))
                .Append("</p><table><tr><th>Customer</th><th>Customer identifier</th><th>AWS account</th><th>State</th><th></th></tr>");

            foreach (var customer in state.Catalogue.Customers)
            {
                var token = state.MintToken(customer.CustomerIdentifier, product.ProductCode);
                page.Append("<tr data-customer-identifier=\"").Append(html.Encode(customer.CustomerIdentifier)).Append("\">")
                    .Append("<td>").Append(html.Encode(customer.Name)).Append("</td>")
                    .Append("<td><code>").Append(html.Encode(customer.CustomerIdentifier)).Append("</code></td>")
                    .Append("<td><code>").Append(html.Encode(customer.AwsAccountId)).Append("</code></td>")
                    .Append("<td>").Append(state.IsSubscribed(customer, product.ProductCode) ? "Subscribed" : "Not subscribed").Append("</td>")
                    .Append("<td><form method=\"post\" action=\"").Append(landing).Append("\" enctype=\"application/x-www-form-urlencoded\">")
                    .Append("<input type=\"hidden\" name=\"").Append(TokenField).Append("\" value=\"").Append(html.Encode(token)).Append("\">")
                    .Append("<button type=\"submit\">Subscribe</button></form></td></tr>");
            }

            page.Append("</table></section>");
        }

        page.Append("</body></html>");
        return TypedResults.Content(page.ToString(), "text/html; charset=utf-8");
    }
}
