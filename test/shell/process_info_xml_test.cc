// parseAllProcessInfo (agent/shell/process_info_xml.h) against xmlrpc-c's own reading of the
// same answers: identical ProcessInfos, identical errors, faults, and malformed answers.

#include "agent/shell/process_info_xml.h"

#include <catch2/catch.hpp>
#include <xmlrpc-c/base.hpp>
#include <xmlrpc-c/xml.hpp>

#include <map>
#include <string>
#include <vector>

#include "agent/shell/supervisor_client.h"

namespace supvisors {
namespace {

using Catch::Matchers::Contains;

xmlrpc_c::value processValue(const std::string& name, int state, const std::string& description) {
  std::map<std::string, xmlrpc_c::value> m{
      {"group", xmlrpc_c::value_string("grp")},
      {"name", xmlrpc_c::value_string(name)},
      {"state", xmlrpc_c::value_int(state)},
      {"statename", xmlrpc_c::value_string("RUNNING")},
      {"pid", xmlrpc_c::value_int(4242)},
      {"start", xmlrpc_c::value_int(1700000000)},
      {"stop", xmlrpc_c::value_int(0)},
      {"now", xmlrpc_c::value_int(1700000100)},
      {"exitstatus", xmlrpc_c::value_int(0)},
      {"spawnerr", xmlrpc_c::value_string("")},
      {"description", xmlrpc_c::value_string(description)},
      {"logfile", xmlrpc_c::value_string("/var/log/x.log")},
      {"stdout_logfile", xmlrpc_c::value_string("/var/log/x.log")},
      {"stderr_logfile", xmlrpc_c::value_string("")}};
  return xmlrpc_c::value_struct(m);
}

std::string answerXml(const xmlrpc_c::value& result) {
  std::string xml;
  xmlrpc_c::xml::generateResponse(xmlrpc_c::rpcOutcome(result), &xml);
  return xml;
}

// What the agent read before: xmlrpc-c's trees, then processInfoFromValue.
std::vector<ProcessInfo> throughTrees(const std::string& xml) {
  xmlrpc_c::rpcOutcome outcome;
  xmlrpc_c::xml::parseResponse(xml, &outcome);
  std::vector<ProcessInfo> out;
  for (const auto& v : xmlrpc_c::value_array(outcome.getResult()).vectorValueValue())
    out.push_back(processInfoFromValue(v).value());
  return out;
}

// A process struct in Supervisor's own layout, with `fields` replacing or adding members.
std::string supervisorStyle(const std::string& members) {
  return "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n"
         "<value><struct>\n" +
         members + "</struct></value>\n</data></array></value>\n</param>\n</params>\n"
                   "</methodResponse>\n";
}

std::string member(const std::string& name, const std::string& value) {
  return "<member>\n<name>" + name + "</name>\n<value>" + value + "</value>\n</member>\n";
}

std::string fullMembers(const std::map<std::string, std::string>& replace = {}) {
  std::map<std::string, std::string> m{
      {"description", "<string>pid 17, uptime 0:00:05</string>"},
      {"pid", "<int>17</int>"},       {"stderr_logfile", "<string></string>"},
      {"stop", "<int>0</int>"},       {"logfile", "<string>/tmp/a.log</string>"},
      {"exitstatus", "<int>0</int>"}, {"spawnerr", "<string></string>"},
      {"now", "<int>1700000100</int>"}, {"group", "<string>g</string>"},
      {"name", "<string>a</string>"}, {"statename", "<string>RUNNING</string>"},
      {"start", "<int>1700000000</int>"}, {"state", "<int>20</int>"},
      {"stdout_logfile", "<string>/tmp/a.log</string>"}};
  for (const auto& [k, v] : replace) {
    if (v.empty())
      m.erase(k);
    else
      m[k] = v;
  }
  std::string out;
  for (const auto& [k, v] : m) out += member(k, v);
  return out;
}

std::string errorOf(const std::string& xml) {
  const auto r = parseAllProcessInfo(xml);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("getAllProcessInfo read in one pass equals xmlrpc-c's reading", "[process_info_xml]") {
  std::vector<xmlrpc_c::value> items;
  for (int i = 0; i < 50; ++i)
    items.push_back(processValue("p" + std::to_string(i), i % 2 ? 20 : 0,
                                 "a <tag> & \"quotes\" 'and' café ☕ " + std::to_string(i)));
  const std::string xml = answerXml(xmlrpc_c::value_array(items));
  const auto parsed = parseAllProcessInfo(xml);
  REQUIRE(parsed.ok());
  const auto expected = throughTrees(xml);
  REQUIRE(parsed->size() == 50);
  CHECK(*parsed == expected);
  CHECK((*parsed)[3].description == "a <tag> & \"quotes\" 'and' café ☕ 3");
  CHECK((*parsed)[3].state == ProcessState::Running);

  const auto none = parseAllProcessInfo(answerXml(xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{})));
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("getAllProcessInfo in Supervisor's layout: untyped strings, i4, i8, references",
          "[process_info_xml]") {
  const std::string xml = supervisorStyle(
      "<!-- a comment -->\n" +
      fullMembers({{"name", "caf&#233;&#x2615;&amp;"}, {"pid", "<i4>17</i4>"},
                   {"now", "<i8>1700000100</i8>"}, {"extra", "<array><data><value>"
                                                               "<int>1</int></value></data>"
                                                               "</array>"},
                   {"nothing", "<nil/>"}, {"spawnerr", "<string/>"}}));
  const auto parsed = parseAllProcessInfo(xml);
  INFO((parsed ? "" : parsed.error().message));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 1);
  CHECK((*parsed)[0].name == "café☕&");
  CHECK((*parsed)[0].pid == 17);
  CHECK((*parsed)[0].now == 1700000100);
  CHECK((*parsed)[0].spawnerr.empty());
  CHECK(*parsed == throughTrees(xml));
}

TEST_CASE("getAllProcessInfo: a fault answer is a fault", "[process_info_xml]") {
  const std::string xml = answerXml(xmlrpc_c::value_int(0)).substr(0, 0) +
                          "<?xml version=\"1.0\"?>\r\n<methodResponse>\r\n<fault>\r\n<value><struct>"
                          "<member><name>faultCode</name><value><int>6</int></value></member>"
                          "<member><name>faultString</name><value><string>SHUTDOWN_STATE"
                          "</string></value></member></struct></value>\r\n</fault>\r\n"
                          "</methodResponse>\r\n";
  const auto r = parseAllProcessInfo(xml);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().isFault());
  CHECK(r.error().code == 6);
  CHECK(r.error().message == "SHUTDOWN_STATE");
}

TEST_CASE("getAllProcessInfo: wrong fields say which, as processInfoFromValue does",
          "[process_info_xml]") {
  CHECK(errorOf(supervisorStyle(fullMembers({{"pid", ""}}))) ==
        "process info: field 'pid' missing");
  CHECK(errorOf(supervisorStyle(fullMembers({{"pid", "<string>17</string>"}}))) ==
        "process info: field 'pid' is string, expected int");
  CHECK(errorOf(supervisorStyle(fullMembers({{"name", "<int>3</int>"}}))) ==
        "process info: field 'name' is int, expected string");
  CHECK(errorOf(supervisorStyle(fullMembers({{"state", "<int>99</int>"}}))) ==
        "process info: field 'state' has unknown code 99");
  CHECK(errorOf(answerXml(xmlrpc_c::value_string("no"))) ==
        "getAllProcessInfo: expected array, got string");
  CHECK(errorOf(answerXml(xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{xmlrpc_c::value_int(1)}))) ==
        "process info: expected struct, got int");
}

TEST_CASE("getAllProcessInfo: a malformed answer is refused with a reason", "[process_info_xml]") {
  const std::string good = supervisorStyle(fullMembers());
  REQUIRE(parseAllProcessInfo(good).ok());
  CHECK_THAT(errorOf(""), Contains("expected <methodResponse>") || Contains("unexpected end"));
  CHECK_THAT(errorOf(good.substr(0, good.size() / 2)), Contains("malformed XML-RPC answer"));
  CHECK_THAT(errorOf(good + "<x/>"), Contains("content after </methodResponse>"));
  CHECK_THAT(errorOf(supervisorStyle(fullMembers({{"name", "<string>a &bogus; b</string>"}}))),
             Contains("unknown entity &bogus;"));
  CHECK_THAT(errorOf(supervisorStyle(fullMembers({{"name", "<string>&#0;</string>"}}))),
             Contains("bad character reference"));
  CHECK_THAT(errorOf(supervisorStyle(fullMembers({{"pid", "<int>12x</int>"}}))),
             Contains("field 'pid': bad int '12x'"));
  CHECK_THAT(errorOf(supervisorStyle(fullMembers({{"pid", "<int>99999999999</int>"}}))),
             Contains("bad int"));
  CHECK_THAT(errorOf(supervisorStyle(fullMembers({{"pid", "<int> 17</int>"}}))),
             Contains("bad int ' 17'"));
  CHECK_THAT(errorOf(supervisorStyle(fullMembers({{"pid", "<weird>1</weird>"}}))),
             Contains("unknown value type <weird>"));
  CHECK_THAT(errorOf("<!DOCTYPE x [<!ENTITY a 'b'>]>" + good), Contains("DTD"));
  CHECK_THAT(errorOf(supervisorStyle(fullMembers({{"name", "<string><![CDATA[a]]></string>"}}))),
             Contains("CDATA"));
  CHECK_THAT(errorOf("<methodResponse a='1'>"), Contains("bad tag"));
  // Deep nesting in an ignored member is skipped without recursion.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<array><data><value>";
  CHECK_THAT(errorOf(supervisorStyle(fullMembers({{"extra", deep}}))), Contains("unexpected end"));
}

}  // namespace supvisors
