// A small CDK app (JavaScript, so no TypeScript build) shaped like the stack
// of the article cors-e2e is built on: a REST API with
// defaultCorsPreflightOptions for three origins and credentials, a Node.js
// Lambda behind a proxy integration, and a DEFAULT_4XX gateway response with
// CORS headers (but none on DEFAULT_5XX: the headline pitfall).
//
// Synthesised by scripts/synth-test-stacks.sh into ../cdk.out (committed).
const path = require("path");
const cdk = require("aws-cdk-lib");
const apigateway = require("aws-cdk-lib/aws-apigateway");
const lambda = require("aws-cdk-lib/aws-lambda");
const apigwv2 = require("aws-cdk-lib/aws-apigatewayv2");
const { HttpLambdaIntegration } = require("aws-cdk-lib/aws-apigatewayv2-integrations");

const ORIGINS = ["https://app.example.com", "https://admin.example.com", "http://localhost:3000"];

class ItemsStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const fn = new lambda.Function(this, "ItemsFunction", {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: "index.handler",
      code: lambda.Code.fromAsset(path.join(__dirname, "lambda")),
      timeout: cdk.Duration.seconds(5),
      memorySize: 256,
      environment: { ALLOWED_ORIGINS: ORIGINS.join(",") },
    });
    const api = new apigateway.RestApi(this, "ItemsApi", {
      restApiName: "items-cdk",
      deployOptions: { stageName: "prod" },
      defaultCorsPreflightOptions: {
        allowOrigins: ORIGINS,
        allowCredentials: true,
        allowHeaders: ["Content-Type", "Authorization"],
        maxAge: cdk.Duration.seconds(600),
      },
    });
    const integration = new apigateway.LambdaIntegration(fn);
    const items = api.root.addResource("items");
    items.addMethod("GET", integration);
    items.addMethod("POST", integration);
    api.root.addResource("crash").addMethod("GET", integration);
    api.addGatewayResponse("Default4xx", {
      type: apigateway.ResponseType.DEFAULT_4XX,
      responseHeaders: {
        "Access-Control-Allow-Origin": "'https://app.example.com'",
        "Access-Control-Allow-Credentials": "'true'",
      },
    });
  }
}

// A second stack (so --stack has something to choose): an HTTP API whose
// corsPreferences allow two origins with credentials, the same Lambda code.
class EchoHttpStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const fn = new lambda.Function(this, "EchoFunction", {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: "index.handler",
      code: lambda.Code.fromAsset(path.join(__dirname, "lambda")),
    });
    const api = new apigwv2.HttpApi(this, "EchoHttpApi", {
      apiName: "echo-cdk",
      corsPreflight: {
        allowOrigins: ORIGINS.slice(0, 2),
        allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST],
        allowHeaders: ["content-type"],
        allowCredentials: true,
        maxAge: cdk.Duration.minutes(5),
      },
    });
    api.addRoutes({ path: "/items", methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST],
                    integration: new HttpLambdaIntegration("EchoIntegration", fn) });
  }
}

const app = new cdk.App({ outdir: process.env.CDK_OUTDIR || path.join(__dirname, "..", "cdk.out") });
new ItemsStack(app, "ItemsStack", { env: { account: "123456789012", region: "eu-west-1" } });
new EchoHttpStack(app, "EchoHttpStack", { env: { account: "123456789012", region: "eu-west-1" } });
app.synth();
