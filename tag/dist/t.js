(function(){var s=document.currentScript,E=s.src.replace(/\/t\.js.*$/,"/e"),site=s.getAttribute("data-site")||"";
function id(){return(crypto.randomUUID?crypto.randomUUID():Date.now()+"-"+Math.random()).replace(/[^A-Za-z0-9-]/g,"")}
var aid=localStorage.getItem("bt_aid")||id();try{localStorage.setItem("bt_aid",aid)}catch(e){}
function send(t,p,x){var e={type:t,messageId:id(),anonymousId:aid,site:site,timestamp:new Date().toISOString(),sentAt:new Date().toISOString(),properties:p||{}};for(var k in x)e[k]=x[k];fetch(E,{method:"POST",body:JSON.stringify(e),keepalive:true,credentials:"include",headers:{"Content-Type":"text/plain"}})}
send("page_view",{url:location.href,title:document.title,referrer:document.referrer});
document.addEventListener("submit",function(ev){var f=ev.target,o={},ok=0;for(var i=0;i<f.elements.length;i++){var el=f.elements[i];if(!el.name||el.type=="password"||el.type=="hidden")continue;if(/mail/i.test(el.name)||el.type=="email")ok=1;o[el.name]=el.value}if(ok)send("form_submit",{url:location.href,form:{id:f.id,name:f.getAttribute("name")||"",action:f.action},fields:o})},true)})();
