___INFO___

{
  "type": "TAG",
  "id": "cvt_temp_public_id",
  "version": 1,
  "securityGroups": [],
  "displayName": "Baton",
  "categories": ["ANALYTICS", "MARKETING"],
  "brand": {
    "id": "brand_dummy",
    "displayName": "Baton"
  },
  "description": "Loads the Baton website tag (t.js) from your Baton collector and, optionally, records a custom event. Calls made before the tag has loaded are queued in baton.q, as with the HTML snippet.",
  "containerContexts": [
    "WEB"
  ]
}


___TEMPLATE_PARAMETERS___

[
  {
    "type": "TEXT",
    "name": "scriptUrl",
    "displayName": "Tag URL",
    "simpleValueType": true,
    "valueHint": "https://track.example.com/t.js",
    "help": "The t.js URL of your Baton collector. Its host must also be allowed in this template's Permissions tab (Injects scripts).",
    "valueValidators": [
      {
        "type": "NON_EMPTY"
      },
      {
        "type": "REGEX",
        "args": [
          "^https://[^/?#]+(/[^?#]*)?/t\\.js$"
        ],
        "errorMessage": "An https URL ending in /t.js"
      }
    ]
  },
  {
    "type": "TEXT",
    "name": "site",
    "displayName": "Site id (data-site)",
    "simpleValueType": true,
    "valueHint": "www",
    "help": "Stored with every event, as the snippet's data-site attribute.",
    "valueValidators": [
      {
        "type": "NON_EMPTY"
      }
    ]
  },
  {
    "type": "CHECKBOX",
    "name": "consentRequired",
    "checkboxText": "Collect nothing until baton('consent', true) (data-consent=\"required\")",
    "simpleValueType": true,
    "defaultValue": false,
    "help": "Leave unticked when your consent banner drives Google consent mode: the tag follows analytics_storage by itself."
  },
  {
    "type": "TEXT",
    "name": "eventName",
    "displayName": "Custom event (optional)",
    "simpleValueType": true,
    "canBeEmptyString": true,
    "help": "When set, the tag records baton('track', name, properties) each time this tag fires."
  },
  {
    "type": "SIMPLE_TABLE",
    "name": "eventProperties",
    "displayName": "Event properties",
    "newRowButtonText": "Add property",
    "enablingConditions": [
      {
        "paramName": "eventName",
        "paramValue": "",
        "type": "NOT_EQUALS"
      }
    ],
    "simpleTableColumns": [
      {
        "defaultValue": "",
        "displayName": "Name",
        "name": "name",
        "type": "TEXT"
      },
      {
        "defaultValue": "",
        "displayName": "Value",
        "name": "value",
        "type": "TEXT"
      }
    ]
  }
]


___SANDBOXED_JS_FOR_WEB_TEMPLATE___

// Baton for Google Tag Manager: the equivalent of
//   <script async src="https://track.example.com/t.js" data-site="www"></script>
//   <script>window.baton=window.baton||function(){(baton.q=baton.q||[]).push(arguments)};</script>
// injectScript cannot set attributes, so data-site (and data-consent) go in
// the URL's query, which the tag reads the same way.
const callInWindow = require('callInWindow');
const copyFromWindow = require('copyFromWindow');
const createArgumentsQueue = require('createArgumentsQueue');
const encodeUriComponent = require('encodeUriComponent');
const injectScript = require('injectScript');
const logToConsole = require('logToConsole');
const makeTableMap = require('makeTableMap');
const queryPermission = require('queryPermission');

// window.baton queues its calls in baton.q until t.js has loaded and
// replaced it; once it has, calls go to the tag directly.
if (!copyFromWindow('baton')) {
  createArgumentsQueue('baton', 'baton.q');
}
if (data.eventName) {
  callInWindow('baton', 'track', data.eventName, makeTableMap(data.eventProperties || [], 'name', 'value') || {});
}

let url = data.scriptUrl + '?site=' + encodeUriComponent(data.site);
if (data.consentRequired) {
  url = url + '&consent=required';
}
if (queryPermission('inject_script', url)) {
  // The cache token makes Tag Manager inject it once per page; the tag
  // ignores a second copy anyway.
  injectScript(url, data.gtmOnSuccess, data.gtmOnFailure, 'baton');
} else {
  logToConsole('Baton: ' + url + ' is not allowed by this template\'s "Injects scripts" permission: add your collector\'s host there.');
  data.gtmOnFailure();
}


___WEB_PERMISSIONS___

[
  {
    "instance": {
      "key": {
        "publicId": "inject_script",
        "versionId": "1"
      },
      "param": [
        {
          "key": "urls",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 1,
                "string": "https://track.example.com/*"
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "access_globals",
        "versionId": "1"
      },
      "param": [
        {
          "key": "keys",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 3,
                "mapKey": [
                  {"type": 1, "string": "key"},
                  {"type": 1, "string": "read"},
                  {"type": 1, "string": "write"},
                  {"type": 1, "string": "execute"}
                ],
                "mapValue": [
                  {"type": 1, "string": "baton"},
                  {"type": 8, "boolean": true},
                  {"type": 8, "boolean": true},
                  {"type": 8, "boolean": true}
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {"type": 1, "string": "key"},
                  {"type": 1, "string": "read"},
                  {"type": 1, "string": "write"},
                  {"type": 1, "string": "execute"}
                ],
                "mapValue": [
                  {"type": 1, "string": "baton.q"},
                  {"type": 8, "boolean": true},
                  {"type": 8, "boolean": true},
                  {"type": 8, "boolean": false}
                ]
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "logging",
        "versionId": "1"
      },
      "param": [
        {
          "key": "environments",
          "value": {
            "type": 1,
            "string": "debug"
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  }
]


___TESTS___

scenarios:
- name: Injects the tag with the site in its URL
  code: |-
    let injected;
    mock('injectScript', (url, onSuccess) => {
      injected = url;
      onSuccess();
    });
    runCode({scriptUrl: 'https://track.example.com/t.js', site: 'www'});
    assertThat(injected).isEqualTo('https://track.example.com/t.js?site=www');
    assertApi('createArgumentsQueue').wasCalledWith('baton', 'baton.q');
    assertApi('gtmOnSuccess').wasCalled();
- name: Queues a custom event and asks for consent mode
  code: |-
    let injected;
    mock('injectScript', (url, onSuccess) => {
      injected = url;
      onSuccess();
    });
    runCode({scriptUrl: 'https://track.example.com/t.js', site: 'www', consentRequired: true, eventName: 'webinar_registered', eventProperties: [{name: 'id', value: '42'}]});
    assertThat(injected).isEqualTo('https://track.example.com/t.js?site=www&consent=required');
    assertApi('callInWindow').wasCalledWith('baton', 'track', 'webinar_registered', {id: '42'});
    assertApi('gtmOnSuccess').wasCalled();
- name: A URL outside the permission is refused
  code: |-
    runCode({scriptUrl: 'https://elsewhere.example.net/t.js', site: 'www'});
    assertApi('injectScript').wasNotCalled();
    assertApi('gtmOnFailure').wasCalled();


___NOTES___

Baton website tag for Google Tag Manager. See tag/gtm/README.md in the Baton repository.
