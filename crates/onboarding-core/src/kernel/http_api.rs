//! API Gateway HTTP API (payload format 2.0) requests and answers, for the functions behind the
//! API: the entry point and the dry runs.

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::http::header::{HeaderValue, CONTENT_TYPE};
use base64::Engine;
use serde_json::Value;

/// An answer with a JSON body.
pub fn json_response(status_code: i64, body: &Value) -> ApiGatewayV2httpResponse {
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = status_code;
    response.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.body = Some(Body::Text(body.to_string()));
    response
}

/// The request's body as text (API Gateway base64-encodes some), or why it cannot be read.
pub fn body_text(request: &ApiGatewayV2httpRequest) -> Result<String, &'static str> {
    let raw = request.body.clone().unwrap_or_default();
    if !request.is_base64_encoded {
        return Ok(raw);
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(raw.as_bytes()).map_err(|_| "the body is not valid base64")?;
    String::from_utf8(bytes).map_err(|_| "the body is not UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_decoded_or_refused_with_a_reason() {
        let mut request = ApiGatewayV2httpRequest::default();
        request.body = Some("{}".into());
        assert_eq!(body_text(&request), Ok("{}".to_string()));
        request.is_base64_encoded = true;
        request.body = Some("e30=".into());
        assert_eq!(body_text(&request), Ok("{}".to_string()));
        request.body = Some("!!".into());
        assert_eq!(body_text(&request), Err("the body is not valid base64"));
        request.body = Some("/w==".into());
        assert_eq!(body_text(&request), Err("the body is not UTF-8"));
        let answer = json_response(400, &serde_json::json!({"message": "no"}));
        assert_eq!(answer.status_code, 400);
    }
}
