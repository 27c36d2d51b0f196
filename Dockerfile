# The node image of k8s/statefulset.yaml: the node, sessionctl on PATH (the preStop hook runs it), and the agent
# programs at the versions the tests pin (.ci/install-agents). Build: docker build -t sessioncluster:latest .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/SessionCluster.Node -c Release -o /out/node -nologo \
 && dotnet publish src/SessionCluster.Cli -c Release -o /out/cli -nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG CLAUDE_VERSION=2.1.328
ARG CODEX_VERSION=0.169.0
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm git ca-certificates \
 && npm install -g --no-audit --no-fund "@anthropic-ai/claude-code@${CLAUDE_VERSION}" "@openai/codex@${CODEX_VERSION}" \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/node /app/node
COPY --from=build /out/cli /app/cli
RUN printf '#!/bin/sh\nexec dotnet /app/cli/sessionctl.dll "$@"\n' > /usr/local/bin/sessionctl \
 && chmod 755 /usr/local/bin/sessionctl \
 && mkdir -p /data && chown "$APP_UID:$APP_UID" /data
ENV SESSIONCLUSTER_CLAUDE_EXECUTABLE=/usr/local/bin/claude \
    SESSIONCLUSTER_CODEX_EXECUTABLE=/usr/local/bin/codex \
    HOME=/data
# The image's non-root user (uid 1654), the one statefulset.yaml's securityContext names.
USER $APP_UID
EXPOSE 8080 4053 8558
ENTRYPOINT ["dotnet", "/app/node/SessionCluster.Node.dll"]
