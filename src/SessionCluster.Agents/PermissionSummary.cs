using System.Text;

namespace SessionCluster.Agents;

/// <summary>The one line a person reads before answering a permission request.</summary>
internal static class PermissionSummary
{
    /// <summary>At most <see cref="AgentPermissionRequest.MaxSummaryChars"/>, cut with an ellipsis, never inside a surrogate pair.</summary>
    public static string Bounded(string text)
    {
        if (text.Length <= AgentPermissionRequest.MaxSummaryChars)
        {
            return text;
        }

        var cut = AgentPermissionRequest.MaxSummaryChars - 1;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return new StringBuilder(text, 0, cut, cut + 1).Append('…').ToString();
    }
}
