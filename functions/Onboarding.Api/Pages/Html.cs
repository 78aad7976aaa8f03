using System.Text;
using System.Text.Encodings.Web;

namespace Onboarding.Api.Pages;

/// <summary>
/// Server-rendered pages without Razor (Razor is not NativeAOT-safe): every dynamic value goes through
/// <see cref="E"/>, so buyer input such as a company name can never become markup.
/// </summary>
internal static class Html
{
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>HTML-encodes a value for element content or a quoted attribute.</summary>
    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);

    public static IResult Page(string title, string body, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(Layout(title, body), ContentType, Encoding.UTF8, statusCode);

    public static string Layout(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{{E(title)}}</title>
        <style>
          :root { color-scheme: light; --ink:#14213d; --muted:#5c677d; --line:#d9dee7; --accent:#0b6bcb; --bad:#b42318; --good:#067647; }
          * { box-sizing: border-box; }
          body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--ink); background:#f6f8fb; }
          header { background:var(--ink); color:#fff; padding:14px 24px; font-weight:600; letter-spacing:.2px; }
          main { max-width: 880px; margin: 24px auto; background:#fff; border:1px solid var(--line); border-radius:10px; padding: 24px 32px 32px; }
          h1 { font-size: 1.5rem; margin-top: 0; }
          h2 { font-size: 1.15rem; margin-top: 1.6em; }
          label { display:block; font-weight:600; margin-top: 14px; }
          .hint { color:var(--muted); font-size:.9rem; font-weight:400; }
          input[type=text], input[type=email], input[type=tel], textarea { width:100%; padding:8px 10px; border:1px solid var(--line); border-radius:6px; font:inherit; }
          textarea { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:.85rem; min-height: 9em; }
          fieldset { border:1px solid var(--line); border-radius:8px; margin-top: 18px; padding: 8px 16px 16px; }
          button, .button { display:inline-block; margin-top: 20px; padding:10px 18px; border:0; border-radius:6px; background:var(--accent); color:#fff; font:inherit; font-weight:600; cursor:pointer; text-decoration:none; }
          .errors { border:1px solid var(--bad); background:#fef3f2; color:var(--bad); border-radius:8px; padding: 10px 16px; }
          .field-error { color:var(--bad); font-size:.9rem; }
          .ok { color:var(--good); }
          pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:.85rem; }
          pre { background:#f2f4f7; border:1px solid var(--line); border-radius:6px; padding: 10px 12px; overflow-x:auto; }
          table { border-collapse: collapse; width: 100%; }
          th, td { text-align:left; padding: 6px 8px; border-bottom:1px solid var(--line); vertical-align: top; }
          td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
        </style>
        </head>
        <body>
        <header>Market-data feed on Amazon MSK</header>
        <main>
        {{body}}
        </main>
        </body>
        </html>
        """;
}
